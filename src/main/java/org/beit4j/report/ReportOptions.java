package org.beit4j.report;

import org.beit4j.data.ChannelStats;
import org.beit4j.data.ImageDataset;

/**
 * What {@link RunReport} draws its pictures from.
 *
 * @param images held-out images in [0, 1] for codebook usage, token maps and masked predictions, or
 *     {@code null} for the Fashion-MNIST test split when it is installed (the picture sections are
 *     skipped, with a note, when neither is available)
 * @param usageImages images tokenized for the codebook usage histogram (the first ones of the set)
 * @param examples images shown in the token-map and masked-prediction figures (spread over the set)
 * @param vitNormalization the normalisation of the ViT view during pretraining (the tokenizer view
 *     is always raw [0, 1]), or {@code null} for none
 * @param seed seeds the masks of the masked-prediction figure
 */
public record ReportOptions(
    ImageDataset images, int usageImages, int examples, ChannelStats vitNormalization, long seed) {

  public ReportOptions {
    if (usageImages < 1) {
      throw new IllegalArgumentException("usageImages must be >= 1 but was " + usageImages);
    }
    if (examples < 1 || examples > 64) {
      throw new IllegalArgumentException("examples must be in [1, 64] but was " + examples);
    }
  }

  /**
   * Fashion-MNIST test images (if installed), usage over 2,000 of them, 8 examples, the ViT view
   * raw in [0, 1] as {@code bin/beit4j pretrain} and {@code demo} feed it, seed 1.
   */
  public static ReportOptions defaults() {
    return new ReportOptions(null, 2000, 8, null, 1);
  }

  public ReportOptions withImages(ImageDataset v) {
    return new ReportOptions(v, usageImages, examples, vitNormalization, seed);
  }

  public ReportOptions withUsageImages(int v) {
    return new ReportOptions(images, v, examples, vitNormalization, seed);
  }

  public ReportOptions withExamples(int v) {
    return new ReportOptions(images, usageImages, v, vitNormalization, seed);
  }

  public ReportOptions withVitNormalization(ChannelStats v) {
    return new ReportOptions(images, usageImages, examples, v, seed);
  }

  public ReportOptions withSeed(long v) {
    return new ReportOptions(images, usageImages, examples, vitNormalization, v);
  }
}
