package org.beit4j.tokenizer;

import org.beit4j.config.VitConfig;
import org.beit4j.data.ChannelStats;
import org.beit4j.experiments.CodebookAblation;
import org.beit4j.quantizer.QuantizerConfig;

/**
 * Everything that defines a VQ-KD tokenizer and its training run (seed article section 1.2, BEiT v2
 * section 2.1).
 *
 * <p>The graph: encoder ViT ({@code encoder}) -> Linear/Tanh/Linear down to {@code
 * quantizer.codeDim()} -> quantizer -> 1x1 projection up to {@code decoderWidth} -> {@code
 * decoderDepth} ViT blocks -> Linear/Tanh/Linear to {@code teacherDim}.
 *
 * @param encoder the encoder ViT; its grid is the token grid
 * @param decoderDepth blocks of the decoder ViT, 1 to 3 (the paper uses 3)
 * @param decoderWidth token width of the decoder ViT; must be divisible by its head count ({@link
 *     #decoder()})
 * @param quantizer codebook size and width, commitment weight, EMA decay, initialisation, dead-code
 *     re-seeding
 * @param teacherDim {@code Dt}, the width of the teacher's patch features
 * @param mode how codes are looked up and learned; {@link CodebookMode#COSINE_EMA} is BEiT v2, the
 *     others exist for the ablation ({@link CodebookAblation})
 * @param pixelStats per-channel statistics the graph standardises its {@code [0, 1]} input with
 * @param learningRate peak Adam learning rate
 * @param warmupSteps linear warm-up steps before the cosine decay
 * @param steps training steps (batches)
 * @param batchSize images per step
 * @param kmeansBatches batches whose encoder outputs initialise the codebook by k-means
 * @param logEvery every how many steps the losses and the cosine to the teacher are evaluated (an
 *     extra forward pass on the current batch)
 * @param seed seeds the initial weights, the codebook and the batch order
 */
public record VqKdConfig(
    VitConfig encoder,
    int decoderDepth,
    int decoderWidth,
    QuantizerConfig quantizer,
    int teacherDim,
    CodebookMode mode,
    ChannelStats pixelStats,
    double learningRate,
    int warmupSteps,
    int steps,
    int batchSize,
    int kmeansBatches,
    int logEvery,
    long seed) {

  /** How codes are chosen and how the codebook learns. */
  public enum CodebookMode {
    /** BEiT v2: l2-normalised vectors, cosine nearest code, codebook moved by the norm-EMA. */
    COSINE_EMA,
    /**
     * Classic VQ-VAE with EMA: raw vectors, Euclidean nearest code, codebook rows moved towards the
     * mean of their raw vectors (no normalisation).
     */
    EUCLIDEAN_EMA,
    /**
     * Cosine lookup, but the codebook is a graph variable learned by gradient through the codebook
     * term {@code ||sg(l2(h)) - l2(e)||^2} of eq. (2) instead of an EMA.
     */
    COSINE_GRADIENT
  }

  /** Validates every field; messages name the field and the bad value. */
  public VqKdConfig {
    if (encoder == null || quantizer == null || mode == null || pixelStats == null) {
      throw new IllegalArgumentException("encoder, quantizer, mode and pixelStats must be set");
    }
    if (decoderDepth < 1 || decoderDepth > 3) {
      throw new IllegalArgumentException("decoderDepth must be in [1, 3], got " + decoderDepth);
    }
    positive("decoderWidth", decoderWidth);
    positive("teacherDim", teacherDim);
    if (pixelStats.channels() != encoder.channels()) {
      throw new IllegalArgumentException(
          "pixelStats has "
              + pixelStats.channels()
              + " channels but the encoder takes "
              + encoder.channels());
    }
    if (!(learningRate > 0) || Double.isInfinite(learningRate)) {
      throw new IllegalArgumentException("learningRate must be > 0, got " + learningRate);
    }
    if (warmupSteps < 0) {
      throw new IllegalArgumentException("warmupSteps must be >= 0, got " + warmupSteps);
    }
    positive("steps", steps);
    positive("batchSize", batchSize);
    positive("kmeansBatches", kmeansBatches);
    positive("logEvery", logEvery);
  }

  private static void positive(String field, int value) {
    if (value < 1) {
      throw new IllegalArgumentException(field + " must be >= 1, got " + value);
    }
  }

  /**
   * The paper's tokenizer: ViT-B/16 encoder at 224, 8192 x 32 codebook, 3-block decoder of width
   * 768, teacher width 768 (DINO ViT-B/16; CLIP's is 512), ImageNet pixel statistics.
   */
  public static VqKdConfig paper() {
    return new VqKdConfig(
        VitConfig.base(),
        3,
        768,
        QuantizerConfig.paper(),
        768,
        CodebookMode.COSINE_EMA,
        ChannelStats.IMAGENET,
        5e-5,
        5000,
        100_000,
        256,
        1,
        100,
        0);
  }

  /**
   * A tokenizer for Fashion-MNIST with the built-in CNN teacher on the 7x7 grid ({@code teacherDim}
   * 64, the teacher's width when this preset was measured; today's teacher is 96 wide, so call
   * {@link #withTeacherDim} with the teacher's {@code featureDim()}, as the CLI does): a 2-block
   * encoder of width 64 at 28/4, 512 x 32 codebook, one decoder block of width 64, 300 steps of 64
   * images at peak learning rate 1e-3. Codes unused for 10 steps are re-seeded from the current
   * encoder outputs: without that the official recipe keeps only 23-40% of the codes (perplexity
   * ~20) on this data; with it 99-100% stayed in use after 60, 100 and 300 steps, and the cosine to
   * the teacher reached 0.67 after 300 with that teacher, 0.54 with today's 91.5% one (measured,
   * see {@code docs/tokenizer.md}).
   */
  public static VqKdConfig fashionMnist() {
    VitConfig enc = new VitConfig(28, 4, 1, 64, 2, 2, 2.0, true, 0.1, false, true, 0.0);
    return new VqKdConfig(
        enc,
        1,
        64,
        QuantizerConfig.small().withDeadCodeWindow(10),
        64,
        CodebookMode.COSINE_EMA,
        ChannelStats.FASHION_MNIST,
        1e-3,
        20,
        300,
        64,
        2,
        25,
        42);
  }

  /** For unit tests: {@link VitConfig#test()} encoder, 64 x 8 codebook, 1 decoder block of 32. */
  public static VqKdConfig test() {
    return new VqKdConfig(
        VitConfig.test(),
        1,
        32,
        QuantizerConfig.small().withCodebookSize(64).withCodeDim(8).withDeadCodeWindow(10),
        16,
        CodebookMode.COSINE_EMA,
        ChannelStats.FASHION_MNIST,
        2e-3,
        2,
        20,
        16,
        1,
        5,
        7);
  }

  /** The decoder ViT: the encoder's grid, {@code decoderWidth}, {@code decoderDepth} blocks. */
  public VitConfig decoder() {
    int heads = decoderWidth % encoder.heads() == 0 ? encoder.heads() : 1;
    return encoder.withWidth(decoderWidth).withDepth(decoderDepth).withHeads(heads);
  }

  /** Patches per side of the token grid. */
  public int gridSize() {
    return encoder.gridSize();
  }

  /** Tokens per image {@code N}. */
  public int numPatches() {
    return encoder.numPatches();
  }

  public VqKdConfig withQuantizer(QuantizerConfig q) {
    return new VqKdConfig(
        encoder,
        decoderDepth,
        decoderWidth,
        q,
        teacherDim,
        mode,
        pixelStats,
        learningRate,
        warmupSteps,
        steps,
        batchSize,
        kmeansBatches,
        logEvery,
        seed);
  }

  public VqKdConfig withTeacherDim(int dt) {
    return new VqKdConfig(
        encoder,
        decoderDepth,
        decoderWidth,
        quantizer,
        dt,
        mode,
        pixelStats,
        learningRate,
        warmupSteps,
        steps,
        batchSize,
        kmeansBatches,
        logEvery,
        seed);
  }

  public VqKdConfig withMode(CodebookMode m) {
    return new VqKdConfig(
        encoder,
        decoderDepth,
        decoderWidth,
        quantizer,
        teacherDim,
        m,
        pixelStats,
        learningRate,
        warmupSteps,
        steps,
        batchSize,
        kmeansBatches,
        logEvery,
        seed);
  }

  public VqKdConfig withLearningRate(double lr) {
    return new VqKdConfig(
        encoder,
        decoderDepth,
        decoderWidth,
        quantizer,
        teacherDim,
        mode,
        pixelStats,
        lr,
        warmupSteps,
        steps,
        batchSize,
        kmeansBatches,
        logEvery,
        seed);
  }

  /** A copy with another number of steps (the warm-up is kept below it). */
  public VqKdConfig withSteps(int s) {
    return new VqKdConfig(
        encoder,
        decoderDepth,
        decoderWidth,
        quantizer,
        teacherDim,
        mode,
        pixelStats,
        learningRate,
        Math.min(warmupSteps, Math.max(0, s - 1)),
        s,
        batchSize,
        kmeansBatches,
        logEvery,
        seed);
  }

  public VqKdConfig withBatchSize(int b) {
    return new VqKdConfig(
        encoder,
        decoderDepth,
        decoderWidth,
        quantizer,
        teacherDim,
        mode,
        pixelStats,
        learningRate,
        warmupSteps,
        steps,
        b,
        kmeansBatches,
        logEvery,
        seed);
  }

  public VqKdConfig withLogEvery(int every) {
    return new VqKdConfig(
        encoder,
        decoderDepth,
        decoderWidth,
        quantizer,
        teacherDim,
        mode,
        pixelStats,
        learningRate,
        warmupSteps,
        steps,
        batchSize,
        kmeansBatches,
        every,
        seed);
  }

  public VqKdConfig withSeed(long s) {
    return new VqKdConfig(
        encoder,
        decoderDepth,
        decoderWidth,
        quantizer,
        teacherDim,
        mode,
        pixelStats,
        learningRate,
        warmupSteps,
        steps,
        batchSize,
        kmeansBatches,
        logEvery,
        s);
  }
}
