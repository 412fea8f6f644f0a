/**
 * Ablations and experiment programs that measure the method rather than implement it (for example
 * the codebook ablation of seed article section 1.2.4). Not part of the library's main API.
 */
package org.beit4j.experiments;
