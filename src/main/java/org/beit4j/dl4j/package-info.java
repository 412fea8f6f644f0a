/**
 * A pretrained BEiT v2 backbone inside DeepLearning4j networks: {@link
 * org.beit4j.dl4j.BeitBackboneLayer} for {@code MultiLayerNetwork} and {@code ComputationGraph}
 * (the fine-tuning use of seed article section 1.3).
 */
package org.beit4j.dl4j;
