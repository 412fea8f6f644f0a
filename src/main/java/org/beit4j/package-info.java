/**
 * beit4j: BEiT v2 (Peng et al. 2022) on Deeplearning4j's SameDiff. This package holds only {@link
 * org.beit4j.Beit4j}, the one call that sets up ND4J for the library ({@code Beit4j.init()}); the
 * method lives in the sub-packages, in the seed article's order: {@code teacher}, {@code
 * quantizer}, {@code tokenizer} (section 1.2, VQ-KD), {@code pretrain} (section 1.3, masked image
 * modelling and the [CLS] head), {@code eval}, with {@code pipeline} running them as the stages of
 * a run folder.
 */
package org.beit4j;
