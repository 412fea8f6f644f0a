/**
 * The vector quantizer of VQ-KD (seed article section 1.2.1, eq. (1), and section 1.2.4, eq. (2)):
 * the l2-normalised nearest-code lookup, the straight-through estimator, the codebook and its EMA
 * update, k-means initialisation and codebook health (usage, perplexity).
 *
 * <p>{@link org.beit4j.quantizer.VectorQuantizer} holds the graph pieces; {@link
 * org.beit4j.quantizer.Codebook} the codes; {@link org.beit4j.quantizer.CodebookEma} the update
 * that stays out of the graph; {@link org.beit4j.quantizer.CosineKMeans} and {@link
 * org.beit4j.quantizer.EuclideanKMeans} the initialisation.
 */
package org.beit4j.quantizer;
