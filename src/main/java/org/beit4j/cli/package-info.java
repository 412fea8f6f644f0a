/**
 * {@code bin/beit4j}: picocli commands that turn flags into the configs of {@link
 * org.beit4j.pipeline} and call it.
 */
package org.beit4j.cli;
