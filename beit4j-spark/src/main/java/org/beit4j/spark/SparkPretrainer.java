package org.beit4j.spark;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.beit4j.data.ImageBatchIterator;
import org.beit4j.data.ImageDataset;
import org.beit4j.io.AtomicFiles;
import org.beit4j.io.MetricsCsv;
import org.beit4j.io.RecordProperties;
import org.beit4j.pipeline.Artefacts;
import org.beit4j.pretrain.PretrainConfig;
import org.beit4j.pretrain.Pretrainer;
import org.beit4j.pretrain.StepMetrics;
import org.beit4j.tokenizer.VisualTokenizer;
import org.beit4j.train.NonFiniteException;
import org.beit4j.train.ProgressBar;
import org.beit4j.train.Replicas;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The driver of a {@link SparkPretrainJob}: per step, the batch a one-process run would take is
 * split into {@code workers} shards (dataset indices only travel, {@link Plan}), every shard's task
 * computes its gradients on an executor under the broadcast parameters, and the driver combines the
 * passes ({@link Combiner}: {@link Replicas#combine}, {@code sum_r w_r g_r / sum_r w_r}, w = masked
 * patches), then applies ONE clipped AdamW step ({@link Pretrainer#apply}). The result equals
 * {@code bin/beit4j pretrain} on the same data and config within float rounding. With {@code
 * syncEvery > 1} the workers take rounds of local steps instead ({@link SyncRound}).
 *
 * <p>Checkpoints ({@code checkpoint-<step>} every {@code run.checkpointEvery} steps, the two newest
 * kept, then {@code final} and {@code backbone}) are written by the library's save methods into a
 * local staging directory and uploaded to {@code out}; a job killed at any point resumes from the
 * newest one ({@link SparkPretrainJob#resume}) and computes what the uninterrupted job would have.
 */
public final class SparkPretrainer {

  private static final Logger log = LoggerFactory.getLogger(SparkPretrainer.class);
  private static final int KEEP_CHECKPOINTS = 2;

  /**
   * What a job did.
   *
   * @param stepsDone steps done in total (a resumed job counts the earlier ones)
   * @param history this job's steps
   * @param backbone the exported backbone's URI, or null when the run is not finished
   * @param parameters number of parameters, each 4 bytes per transfer
   * @param stepSeconds wall time of each of this job's steps (tasks, combination, update)
   * @param taskSeconds per step, the longest time a task spent on its shard's images, tokens and
   *     gradients (the work a one-process replica does too); {@code stepSeconds - taskSeconds -
   *     update} is what Spark adds: scheduling, (de)serialising and moving parameters and gradients
   */
  public record Result(
      long stepsDone,
      List<StepMetrics> history,
      String backbone,
      long parameters,
      double[] stepSeconds,
      double[] taskSeconds) {

    /**
     * Bytes over the network per step with {@code k} workers: the parameters to each and a gradient
     * from each, 4 bytes a value (a broadcast tree or all-reduce changes who sends, not how much
     * each worker receives and sends).
     */
    public long bytesPerStep(int k) {
      return 2L * 4L * parameters * k;
    }

    /**
     * As {@link #bytesPerStep(int)} with parameter averaging every {@code syncEvery} steps: per
     * round the parameters and both AdamW moments to each worker and back, {@code 2 x 3 x 4P} bytes
     * a worker, spread over the round's steps.
     */
    public long bytesPerStep(int k, int syncEvery) {
      return syncEvery == 1 ? bytesPerStep(k) : 2L * 3L * 4L * parameters * k / syncEvery;
    }
  }

  private SparkPretrainer() {}

  /**
   * Runs (or resumes) {@code job} to {@code run.totalSteps} steps.
   *
   * @throws IllegalArgumentException if {@code out} holds a run and {@code resume} is off, or the
   *     stored run has another config
   * @throws org.apache.spark.SparkException (unchecked by Spark's Java API) when a task fails
   */
  public static Result run(JavaSparkContext sc, SparkPretrainJob job) {
    Configuration conf = sc.hadoopConfiguration();
    PretrainConfig config = job.config().withRun(r -> r.withReplicas(1));
    VisualTokenizer tokenizer = Artefacts.tokenizer(HadoopDirs.local(job.tokenizer(), conf));
    ImageDataset dataset =
        SparkData.open(SparkData.local(job.data(), conf), config.vit().channels());
    ImageBatchIterator plan = SparkData.batches(dataset, config, job.augment());
    int batch = config.run().batchSize();
    Plan steps = new Plan(plan, batch, true, job.workers(), job.failAtStep());
    Path staging = tempDir();
    try {
      Pretrainer trainer = start(job, config, tokenizer, staging, conf);
      trainer.data(job.data() + ", " + dataset.size() + " images");
      Worker.Spec spec =
          new Worker.Spec(
              new HashMap<>(RecordProperties.flatten(config)),
              job.data(),
              job.tokenizer(),
              job.augment());
      String session = UUID.randomUUID().toString();
      long total = config.run().steps();
      long parameters =
          trainer.model().parameters().values().stream().mapToLong(a -> a.length()).sum();
      List<StepMetrics> history = new ArrayList<>();
      List<Double> seconds = new ArrayList<>();
      List<Double> taskSeconds = new ArrayList<>();
      try (MetricsCsv csv =
              MetricsCsv.open(
                  staging.resolve("metrics.csv"), StepMetrics.HEADER, trainer.stepsDone());
          ProgressBar bar = new ProgressBar("spark-pretrain", total - trainer.stepsDone(), "img")) {
        while (trainer.stepsDone() < total) {
          long start = System.nanoTime();
          long s = trainer.stepsDone();
          // rounds end at multiples of syncEvery, so a resumed run's rounds are the same
          int n = (int) Math.min(job.syncEvery() - s % job.syncEvery(), total - s);
          Broadcast<ParamSnapshot> params =
              sc.broadcast(
                  new ParamSnapshot(session, s, NamedFloats.of(trainer.model().parameters())));
          List<StepMetrics> done;
          double task;
          if (job.syncEvery() == 1) {
            Combiner.Combined c =
                Combiner.combine(
                    sc.parallelize(steps.shards(s), job.workers())
                        .map(shard -> Worker.run(spec, params.value(), shard)),
                    job.treeFrom());
            done = List.of(trainer.apply(c.pass(), batch, start));
            task = c.taskSeconds();
          } else {
            SyncRound.Result r =
                SyncRound.run(sc, spec, params, trainer, steps, job.treeFrom(), s, n, start);
            done = r.steps();
            task = r.taskSeconds();
          }
          params.destroy();
          double each = (System.nanoTime() - start) / 1e9 / done.size();
          for (StepMetrics m : done) {
            NonFiniteException.require(
                "Spark pretraining", m.step(), "loss", m.loss(), "gradient norm", m.gradNorm());
            seconds.add(each);
            taskSeconds.add(task / done.size());
            history.add(m);
            csv.row(m.step(), m.values());
            bar.metric("loss", m.loss()).metric("mimAcc", m.mimAcc()).step(batch);
          }
          long every = config.run().checkpointEvery();
          long now = trainer.stepsDone();
          if (every > 0 && now / every != s / every && now < total) {
            save(trainer, staging, String.format("checkpoint-%08d", now), job.out(), conf);
            prune(job.out(), conf);
          }
        }
      }
      String backbone = null;
      if (trainer.stepsDone() == total) {
        save(trainer, staging, "final", job.out(), conf);
        Path local = trainer.exportBackbone(staging.resolve("backbone"));
        backbone = HadoopDirs.resolve(job.out(), "backbone");
        HadoopDirs.upload(local, backbone, conf);
      }
      return new Result(
          trainer.stepsDone(),
          history,
          backbone,
          parameters,
          seconds.stream().mapToDouble(Double::doubleValue).toArray(),
          taskSeconds.stream().mapToDouble(Double::doubleValue).toArray());
    } finally {
      try {
        AtomicFiles.deleteRecursively(staging);
      } catch (IOException e) {
        log.warn("could not delete the staging directory {}: {}", staging, e.toString());
      }
    }
  }

  /** A fresh trainer, or the newest checkpoint's (with its metrics so far) when resuming. */
  private static Pretrainer start(
      SparkPretrainJob job,
      PretrainConfig config,
      VisualTokenizer tokenizer,
      Path staging,
      Configuration conf) {
    Optional<String> ckpt = HadoopDirs.latestCheckpoint(job.out(), conf);
    if (ckpt.isEmpty()) {
      return Pretrainer.create(config, tokenizer, null);
    }
    if (!job.resume()) {
      throw new IllegalArgumentException(
          job.out()
              + " already holds a run (checkpoint "
              + ckpt.get()
              + "): resume it, or choose another output directory");
    }
    Path local = staging.resolve("resume");
    HadoopDirs.download(ckpt.get(), local, conf);
    String metrics = HadoopDirs.resolve(job.out(), "metrics.csv");
    if (HadoopDirs.exists(metrics, conf)) {
      HadoopDirs.download(metrics, staging.resolve("metrics.csv"), conf);
    }
    Pretrainer t = Pretrainer.resume(local, config, tokenizer, null);
    log.info("resuming {} at step {}", ckpt.get(), t.stepsDone());
    return t;
  }

  /** Writes checkpoint {@code name} locally by the library, uploads it and the metrics. */
  private static void save(
      Pretrainer trainer, Path staging, String name, String out, Configuration conf) {
    Path local = trainer.checkpoint(staging.resolve(name));
    HadoopDirs.upload(local, HadoopDirs.resolve(out, name), conf);
    HadoopDirs.upload(staging.resolve("metrics.csv"), HadoopDirs.resolve(out, "metrics.csv"), conf);
    try {
      AtomicFiles.deleteRecursively(local);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static void prune(String out, Configuration conf) {
    List<String> old = HadoopDirs.checkpoints(out, "checkpoint-", conf);
    for (int i = 0; i < old.size() - KEEP_CHECKPOINTS; i++) {
      HadoopDirs.delete(HadoopDirs.resolve(out, old.get(i)), conf);
    }
  }

  private static Path tempDir() {
    try {
      return Files.createTempDirectory("beit4j-spark-");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
