/**
 * Work-arounds for SameDiff 1.0.0-M2.1 used across stages: capturing activations and metric values
 * inside {@code fit} ({@link org.beit4j.samediff.ActivationCapture}, {@link
 * org.beit4j.samediff.GradientCapture}; {@link org.beit4j.samediff.GradientGraph} packs both for a
 * training replica), and copying parameters into another graph that names them alike ({@link
 * org.beit4j.samediff.Parameters}). The array-cache switch is {@link org.beit4j.Beit4j#init()}.
 */
package org.beit4j.samediff;
