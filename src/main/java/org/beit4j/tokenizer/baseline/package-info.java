/**
 * Tokenizers that are not VQ-KD, kept as baselines for the results table: {@link
 * org.beit4j.tokenizer.baseline.PixelKMeansTokenizer} clusters raw pixel patches (a BEiT v1-like
 * low-level target, the comparison of seed article section 1.1).
 */
package org.beit4j.tokenizer.baseline;
