package org.beit4j.pipeline;

import org.beit4j.config.Presets;
import org.beit4j.config.VitConfig;
import org.beit4j.pretrain.PretrainConfig;
import org.beit4j.teacher.CnnTeacherConfig;
import org.beit4j.tokenizer.VqKdConfig;
import org.beit4j.train.RunConfig;

/**
 * How much work each stage of {@code bin/beit4j demo} does: the configs of its stages (the demo's
 * seed replaces theirs) and the evaluation's image counts.
 *
 * @param name the preset's name ({@code quick}, {@code full}, {@code test})
 * @param teacher the CNN teacher (network, epochs, training images)
 * @param tokenizer the VQ-KD tokenizer (its teacher width is the teacher's); the pixel k-means
 *     baseline takes its patch size and codebook size
 * @param teacherNorm whether VQ-KD learns the teacher's features standardised per token ({@link
 *     org.beit4j.teacher.LayerNormTeacher}, like CLIP's LayerNorm'd targets)
 * @param vit the backbone of both pretraining runs
 * @param pretrain the run of each of the two pretraining runs (steps, batch, schedule, checkpoints)
 * @param clsHeadLayer the block the [CLS] branch reads in both pretraining runs (0 = the paper's
 *     {@code round(3/4 L)})
 * @param probeTrain labelled training images of the linear probe and k-NN
 * @param probeTest held-out images they are scored on
 * @param fineTuneEpochs fine-tuning epochs of the ViT rows (0 = no fine-tuning column)
 */
public record DemoBudget(
    String name,
    CnnTeacherConfig teacher,
    VqKdConfig tokenizer,
    boolean teacherNorm,
    VitConfig vit,
    RunConfig pretrain,
    int clsHeadLayer,
    int probeTrain,
    int probeTest,
    int fineTuneEpochs) {

  /** The named budgets: {@code quick} (the default), {@code full}, {@code test}. */
  public static final Presets<DemoBudget> PRESETS =
      Presets.<DemoBudget>of("demo preset")
          .add("quick", DemoBudget::quick)
          .add("full", DemoBudget::full)
          .add("test", DemoBudget::test)
          .build();

  /** Validates every field. */
  public DemoBudget {
    Checks.notBlank("name", name);
    Checks.notNull("teacher", teacher);
    Checks.notNull("tokenizer", tokenizer);
    Checks.notNull("vit", vit);
    Checks.notNull("pretrain", pretrain);
    if (clsHeadLayer < 0 || clsHeadLayer >= vit.depth()) {
      throw new IllegalArgumentException(
          "budget "
              + name
              + ": clsHeadLayer must be in [0, "
              + vit.depth()
              + ") (0 = the paper's choice), got "
              + clsHeadLayer);
    }
    if (probeTrain < 1) {
      throw new IllegalArgumentException("budget " + name + ": probeTrain must be >= 1");
    }
    Checks.nonNegative("probeTest", probeTest);
    Checks.nonNegative("fineTuneEpochs", fineTuneEpochs);
  }

  /**
   * The [CLS] branch of the 4-block demo backbone reads block 1: 1 + 2 branch blocks = 3 < 4, so
   * the branch is shallower than the backbone as in the paper (9 + 2 < 12) and the last layer's
   * [CLS] must carry what block 1's patches lack. The paper's rule {@code round(3/4 L)} = 3 gives a
   * branch as deep as the backbone (issue #17); measured in docs/demo-experiments.md section 7.
   */
  static final int SHALLOW_BRANCH = 1;

  /** Codes of both tokenizers. */
  public int codebookSize() {
    return tokenizer.quantizer().codebookSize();
  }

  /**
   * The default demo, sized for about 16 minutes on 2 CPU cores (16.0 measured on a quiet machine,
   * without the build): the teacher for one epoch on 30,000 images, 1,000 VQ-KD steps at lr 3e-3
   * into 64 codes on the teacher's features standardised per token, two MIM runs (one per core) of
   * 900 steps at lr 3e-3 of a 4-block ViT (D 96) with the [CLS] branch from block 1, probe and k-NN
   * on 5,000 / 1,000 images. Longer tokenizer training, fewer codes and the higher learning rates
   * moved the BEiT v2 row above the random-ViT row; the [CLS] branch and teacher targets are issue
   * #17's (docs/demo-experiments.md).
   */
  public static DemoBudget quick() {
    return new DemoBudget(
        "quick",
        CnnTeacherConfig.fashionMnist().withEpochs(1).withTrainLimit(30_000),
        tokenizer(1_000),
        true,
        backbone(),
        pretrainRun(900, 100),
        SHALLOW_BRANCH,
        5_000,
        1_000,
        0);
  }

  /**
   * The long recipe, planned for at most an hour on 2 CPU cores (58 minutes measured on a quiet
   * machine, stages summed; resumable with {@code --resume}): the teacher for 2 epochs on all
   * 60,000 images, 2,000 VQ-KD steps into 64 codes, two MIM runs of 2,000 steps (2.1 epochs) of the
   * quick preset's ViT and [CLS] branch, probe and k-NN on all 60,000 / 10,000 images, and one
   * epoch of fine-tuning of each ViT row.
   */
  public static DemoBudget full() {
    return new DemoBudget(
        "full",
        CnnTeacherConfig.fashionMnist().withEpochs(2),
        tokenizer(2_000),
        true,
        backbone(),
        pretrainRun(2_000, 250),
        SHALLOW_BRANCH,
        60_000,
        10_000,
        1);
  }

  /** Seconds-sized stages for tests: tiny teacher, tokenizer and ViT, a few hundred images. */
  public static DemoBudget test() {
    return new DemoBudget(
        "test",
        CnnTeacherConfig.test().withEpochs(1).withTrainLimit(256),
        VqKdConfig.test().withRun(r -> r.withSteps(6)),
        true,
        VitConfig.test(),
        PretrainConfig.defaultRun(3, 16),
        0,
        300,
        100,
        0);
  }

  /**
   * This budget at a notebook's size, named {@code <name>-<steps>x<images>}: the VQ-KD tokenizer
   * and both pretraining runs take {@code steps} steps (no periodic checkpoints); the teacher
   * trains on at most {@code images} images for as many epochs as give it this budget's number of
   * training images, at most 10; the probe scores {@code min(probeTrain, images)} training and
   * {@code min(probeTest, max(100, images / 3))} test images; no fine-tuning column.
   *
   * @throws IllegalArgumentException if {@code steps} or {@code images} is below 1
   */
  public DemoBudget scaledTo(int steps, int images) {
    if (steps < 1 || images < 1) {
      throw new IllegalArgumentException(
          "steps and images must be >= 1, got steps=" + steps + ", images=" + images);
    }
    CnnTeacherConfig t = teacher;
    if (t.trainLimit() == 0 || t.trainLimit() > images) {
      int seen = t.epochs() * (t.trainLimit() == 0 ? images : t.trainLimit());
      int epochs = Math.max(1, Math.min(10, (seen + images - 1) / images));
      t = t.withTrainLimit(images).withEpochs(epochs);
    }
    return new DemoBudget(
        name + "-" + steps + "x" + images,
        t,
        tokenizer.withRun(r -> r.withSteps(steps)),
        teacherNorm,
        vit,
        pretrain.withSteps(steps).withCheckpointEvery(0),
        clsHeadLayer,
        Math.min(probeTrain, images),
        Math.min(probeTest, Math.max(100, images / 3)),
        0);
  }

  /** VQ-KD into 64 codes at lr 3e-3 for {@code steps} steps. */
  private static VqKdConfig tokenizer(int steps) {
    VqKdConfig c = VqKdConfig.fashionMnist().withLearningRate(3e-3);
    return c.withRun(r -> r.withSteps(steps)).withQuantizer(c.quantizer().withCodebookSize(64));
  }

  /** The Fashion-MNIST ViT at 4 blocks of width 96 (3 heads). */
  private static VitConfig backbone() {
    return VitConfig.mnist().withWidth(96).withDepth(4);
  }

  /** MIM for {@code steps} steps of 64 images at lr 3e-3. */
  private static RunConfig pretrainRun(int steps, int checkpointEvery) {
    return PretrainConfig.defaultRun(steps, 64)
        .withSchedule(s -> s.withLearningRate(3e-3))
        .withCheckpointEvery(checkpointEvery);
  }
}
