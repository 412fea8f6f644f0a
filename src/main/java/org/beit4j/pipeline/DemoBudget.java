package org.beit4j.pipeline;

import org.beit4j.config.Presets;
import org.beit4j.config.VitConfig;
import org.beit4j.teacher.CnnTeacherConfig;
import org.beit4j.tokenizer.VqKdConfig;

/**
 * How much work each stage of {@code bin/beit4j demo} does.
 *
 * @param name the preset's name ({@code quick}, {@code full}, {@code test})
 * @param teacher the teacher's network and training preset
 * @param teacherEpochs passes of the teacher over its training images (0 = the preset's)
 * @param teacherTrainLimit teacher training images (0 = all 60,000)
 * @param tokenizer the tokenizer preset (both tokenizers' patch size; VQ-KD's shape)
 * @param tokenizerSteps VQ-KD training steps
 * @param tokenizerLearningRate peak VQ-KD learning rate (0 = the tokenizer preset's)
 * @param codebookSize codes of both tokenizers (VQ-KD and pixel k-means)
 * @param vit backbone preset, its depth, width and heads replaced by the next three
 * @param depth blocks of the backbone
 * @param width token width of the backbone
 * @param heads attention heads of the backbone
 * @param pretrainSteps MIM steps of each of the two pretraining runs
 * @param pretrainBatch images per MIM step
 * @param pretrainLearningRate peak MIM learning rate (0 = {@link
 *     org.beit4j.pretrain.PretrainConfig#of}'s)
 * @param probeTrain labelled training images of the linear probe and k-NN
 * @param probeTest held-out images they are scored on
 * @param fineTuneEpochs fine-tuning epochs of the ViT rows (0 = no fine-tuning column)
 * @param checkpointEvery MIM steps between checkpoints (0 = final only)
 */
public record DemoBudget(
    String name,
    CnnTeacherConfig teacher,
    int teacherEpochs,
    int teacherTrainLimit,
    VqKdConfig tokenizer,
    int tokenizerSteps,
    double tokenizerLearningRate,
    int codebookSize,
    VitConfig vit,
    int depth,
    int width,
    int heads,
    int pretrainSteps,
    int pretrainBatch,
    double pretrainLearningRate,
    int probeTrain,
    int probeTest,
    int fineTuneEpochs,
    int checkpointEvery) {

  /** The named budgets: {@code quick} (the default), {@code full}, {@code test}. */
  public static final Presets<DemoBudget> PRESETS =
      Presets.<DemoBudget>of("demo preset")
          .add("quick", DemoBudget::quick)
          .add("full", DemoBudget::full)
          .add("test", DemoBudget::test)
          .build();

  /** Validates every field. */
  public DemoBudget {
    Checks.notNull("teacher", teacher);
    Checks.notNull("tokenizer", tokenizer);
    Checks.notNull("vit", vit);
    for (long v :
        new long[] {
          tokenizerSteps,
          codebookSize,
          depth,
          width,
          heads,
          pretrainSteps,
          pretrainBatch,
          probeTrain
        }) {
      if (v < 1) {
        throw new IllegalArgumentException(
            "budget " + name + ": steps, sizes and image counts must be >= 1, got " + v);
      }
    }
    for (double lr : new double[] {tokenizerLearningRate, pretrainLearningRate}) {
      if (!(lr >= 0) || Double.isInfinite(lr)) {
        throw new IllegalArgumentException(
            "budget " + name + ": learning rates must be >= 0 (0 = the preset's), got " + lr);
      }
    }
    Checks.nonNegative("teacherEpochs", teacherEpochs);
    Checks.nonNegative("teacherTrainLimit", teacherTrainLimit);
    Checks.nonNegative("probeTest", probeTest);
    Checks.nonNegative("fineTuneEpochs", fineTuneEpochs);
    Checks.nonNegative("checkpointEvery", checkpointEvery);
  }

  /**
   * The default demo, sized for about 20 minutes on 2 CPU cores (22.8 measured, build included):
   * the teacher for one epoch on 30,000 images, 1,000 VQ-KD steps at lr 3e-3 into 64 codes, two MIM
   * runs (one per core) of 900 steps at lr 3e-3 of a 4-block ViT (D 96), probe and k-NN on 5,000 /
   * 1,000 images. Longer tokenizer training, fewer codes and the higher learning rates were what
   * moved the BEiT v2 row above the random-ViT row (measurements in the README).
   */
  public static DemoBudget quick() {
    return new DemoBudget(
        "quick",
        CnnTeacherConfig.fashionMnist(),
        1,
        30_000,
        VqKdConfig.fashionMnist(),
        1_000,
        3e-3,
        64,
        VitConfig.mnist(),
        4,
        96,
        3,
        900,
        64,
        3e-3,
        5_000,
        1_000,
        0,
        100);
  }

  /**
   * The long recipe (hours on 2 cores, resumable with {@code --resume}): the full teacher, 3,000
   * VQ-KD steps, two MIM runs of 4,000 steps (4.3 epochs) of the same 4-block ViT, probe and k-NN
   * on all 60,000 / 10,000 images, and one epoch of fine-tuning of each ViT row.
   */
  public static DemoBudget full() {
    return new DemoBudget(
        "full",
        CnnTeacherConfig.fashionMnist(),
        0,
        0,
        VqKdConfig.fashionMnist(),
        3_000,
        3e-3,
        64,
        VitConfig.mnist(),
        4,
        96,
        3,
        4_000,
        64,
        3e-3,
        60_000,
        10_000,
        1,
        250);
  }

  /** Seconds-sized stages for tests: tiny teacher, tokenizer and ViT, a few hundred images. */
  public static DemoBudget test() {
    return new DemoBudget(
        "test",
        CnnTeacherConfig.test(),
        1,
        256,
        VqKdConfig.test(),
        6,
        0,
        64,
        VitConfig.test(),
        2,
        32,
        2,
        3,
        16,
        0,
        300,
        100,
        0,
        0);
  }
}
