/**
 * Vision Transformer building blocks for SameDiff graphs (BEiT v2 flavour).
 *
 * <p>Every operation is a static method {@code (SameDiff sd, String scope, Init init, VitConfig
 * cfg, ...) -> SDVariable} that creates its parameters under {@code scope} and documents its
 * formula and shapes. Letters: {@code B} batch, {@code C, H, W} image, {@code P} patch side, {@code
 * G} patches per side, {@code N = G^2} patches, {@code T = 1 + N} tokens, {@code D} width, {@code
 * h} heads, {@code hd = D / h}.
 *
 * <ul>
 *   <li>{@link org.beit4j.nn.Init}: seeded BEiT initialisation and the data type of the graph;
 *   <li>{@link org.beit4j.nn.Layers}: linear, LayerNorm, exact GELU;
 *   <li>{@link org.beit4j.nn.Embeddings}: patch embedding, [CLS] and absolute positions;
 *   <li>{@link org.beit4j.nn.RelativePositionBias}: BEiT's shared relative position bias;
 *   <li>{@link org.beit4j.nn.Attention}: multi-head self-attention;
 *   <li>{@link org.beit4j.nn.Block}: pre-norm block, MLP, layer scale, the block stack;
 *   <li>{@link org.beit4j.nn.Vit}: the encoder assembled, pooling and head;
 *   <li>{@link org.beit4j.nn.VisionTransformer}: a complete model to run, train, save and load.
 * </ul>
 */
package org.beit4j.nn;
