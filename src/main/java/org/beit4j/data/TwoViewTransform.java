package org.beit4j.data;

import java.util.SplittableRandom;

/**
 * BEiT v2's two views of one image (seed article section 1.3; unilm beit2 {@code
 * DataAugmentationForBEiT}): one random resized crop box and one flip decision are drawn per image
 * and shared; the box is then resampled twice, to {@code tokenizerSize} for the VQ-KD tokenizer and
 * to {@code vitSize} for the ViT being pretrained, so the visual tokens describe exactly the pixels
 * the ViT sees.
 *
 * <p>View order (= {@code features} order of the batches, as {@link org.beit4j.pretrain.Pretrainer}
 * reads them): <b>0 = ViT view</b>, normalised with {@code vitNormalization} if it is not null;
 * <b>1 = tokenizer view</b>, raw pixels in [0, 1] as the {@link
 * org.beit4j.teacher.Teacher}/tokenizer expect.
 *
 * @param tokenizerSize side of the tokenizer view
 * @param vitSize side of the ViT view
 * @param channels C of both views, 1 or 3
 * @param scaleMin smallest crop area fraction, in (0, 1]
 * @param scaleMax largest crop area fraction, in [scaleMin, 1]
 * @param flipProbability probability of mirroring both views, in [0, 1]
 * @param vitNormalization mean/std applied to the ViT view only, or null
 */
public record TwoViewTransform(
    int tokenizerSize,
    int vitSize,
    int channels,
    double scaleMin,
    double scaleMax,
    double flipProbability,
    ChannelStats vitNormalization)
    implements MultiViewTransform {

  /** Index of the tokenizer view in {@code features}. */
  public static final int TOKENIZER_VIEW = 1;

  /** Index of the ViT view in {@code features}. */
  public static final int VIT_VIEW = 0;

  /** Validates every field. */
  public TwoViewTransform {
    Transforms.checkSize(tokenizerSize, vitSize);
    Transforms.checkChannelsAndFlip(channels, flipProbability);
    Transforms.checkScale(scaleMin, scaleMax);
    if (vitNormalization != null && vitNormalization.channels() != channels) {
      throw new IllegalArgumentException(
          "vitNormalization has " + vitNormalization.channels() + " channels, not " + channels);
    }
  }

  /**
   * Both views of side {@code size}, crop scale [0.08, 1] (the default {@code --min_crop_scale} of
   * the official code), p(flip) = 0.5.
   */
  public static TwoViewTransform beitV2(int size, int channels, ChannelStats vitNormalization) {
    return new TwoViewTransform(size, size, channels, 0.08, 1, 0.5, vitNormalization);
  }

  @Override
  public int numViews() {
    return 2;
  }

  @Override
  public Image[] apply(Image in, SplittableRandom rng) {
    Image img = Transforms.convertChannels(in, channels);
    CropBox box =
        CropBox.random(
            img.height(), img.width(), scaleMin, scaleMax, 3.0 / 4, 4.0 / 3, rng); // shared box
    boolean mirror = rng.nextDouble() < flipProbability;
    Image tok = Transforms.resample(img, box, tokenizerSize, tokenizerSize, mirror);
    Image vit = Transforms.resample(img, box, vitSize, vitSize, mirror);
    if (vitNormalization != null) {
      vit = Transforms.normalize(vitNormalization).apply(vit, rng);
    }
    Image[] views = new Image[2];
    views[VIT_VIEW] = vit;
    views[TOKENIZER_VIEW] = tok;
    return views;
  }
}
