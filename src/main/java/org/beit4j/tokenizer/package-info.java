/**
 * VQ-KD, BEiT v2's visual tokenizer (seed article section 1.2): a ViT encoder, the quantizer of
 * {@link org.beit4j.quantizer}, a shallow ViT decoder trained to match the teacher of {@link
 * org.beit4j.teacher} by cosine similarity (eq. (2)).
 *
 * <p>{@link org.beit4j.tokenizer.VqKdGraph} builds the graph, {@link
 * org.beit4j.tokenizer.VqKdTokenizer} trains, saves, loads and tokenizes; {@link
 * org.beit4j.tokenizer.VqKdTraining} is a run's state between steps (one AdamW step and one
 * codebook update from shards computed anywhere: in-process replicas or Spark executors); {@link
 * org.beit4j.tokenizer.VisualTokenizer} is what MIM needs from any tokenizer.
 */
package org.beit4j.tokenizer;
