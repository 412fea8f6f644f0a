/**
 * BEiT v2 stage 2, masked image modelling (seed article section 1.3; Peng et al. 2022, section 3).
 *
 * <ul>
 *   <li>{@link org.beit4j.pretrain.MaskingConfig}, {@link org.beit4j.pretrain.BlockMasking}: BEiT's
 *       block-wise masks, plain Java, a function of (seed, step, image index).
 *   <li>{@link org.beit4j.pretrain.Mim}: eq. (3) mask-token blend, eq. (4) head, eq. (5) masked
 *       cross-entropy; {@link org.beit4j.pretrain.ClsHead}: the [CLS] branch {@code S = [h_CLS^L,
 *       h_1^l .. h_N^l]} through extra blocks, the shared final norm and the shared head.
 *   <li>{@link org.beit4j.pretrain.PretrainModel}: the whole graph; {@link
 *       org.beit4j.pretrain.PretrainConfig}: the run's settings.
 *   <li>{@link org.beit4j.pretrain.Pretrainer}: the loop with {@link org.beit4j.train.AdamW}, a
 *       warm-up + cosine schedule, clipping, atomic checkpoints ({@link
 *       org.beit4j.pretrain.PretrainCheckpoint}), exact resumption, metrics CSV, progress bar and
 *       the backbone export (a {@link org.beit4j.nn.VisionTransformer} file).
 * </ul>
 *
 * <p>Typical use:
 *
 * <pre>{@code
 * PretrainConfig cfg = PretrainConfig.of(VitConfig.mnist(), tokenizer.codebookSize(), 5000, 64)
 *     .withRun(r -> r.withCheckpointEvery(500));
 * Pretrainer trainer = Pretrainer.create(cfg, tokenizer, Path.of("runs/pretrain"));
 * trainer.train(data, cfg.totalSteps());          // or Pretrainer.resume(checkpoint, cfg, ...)
 * VisionTransformer backbone = VisionTransformer.load(
 *     Path.of("runs/pretrain/backbone", Pretrainer.BACKBONE_FILE));
 * }</pre>
 */
package org.beit4j.pretrain;
