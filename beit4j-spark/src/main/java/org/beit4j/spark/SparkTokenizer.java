package org.beit4j.spark;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.UUID;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.beit4j.data.ImageBatchIterator;
import org.beit4j.data.ImageDataset;
import org.beit4j.io.AtomicFiles;
import org.beit4j.io.RecordProperties;
import org.beit4j.io.RunLayout;
import org.beit4j.pipeline.TokenizerStage;
import org.beit4j.samediff.GradientGraph;
import org.beit4j.teacher.Teacher;
import org.beit4j.tokenizer.VqKdConfig;
import org.beit4j.tokenizer.VqKdTokenizer;
import org.beit4j.tokenizer.VqKdTraining;
import org.beit4j.train.ProgressBar;
import org.beit4j.train.Replicas;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The driver of a {@link SparkTokenizerJob} (seed article section 1.2, eqs. (1)-(2)): per step, the
 * batch {@code bin/beit4j tokenizer} would take is split into {@code workers} shards ({@link Plan}:
 * dataset indices only travel); every shard's task computes the teacher's patch features of its
 * images and its {@link VqKdTraining#share} on an executor under the broadcast weights (parameters
 * and codebook); the driver combines the passes ({@link Combiner}) and joins the shards' encoder
 * outputs and codes in batch order, then takes ONE AdamW step and ONE codebook update ({@link
 * VqKdTraining#apply}, the library's own step). The codebook's k-means initialisation runs on the
 * driver (it needs the encoder outputs of the first batches, not the teacher). The result equals
 * {@code bin/beit4j tokenizer} on the same data, config and teacher within float rounding.
 *
 * <p>No checkpoints: like the library's VQ-KD training, a failed job starts again.
 */
public final class SparkTokenizer {

  private static final Logger log = LoggerFactory.getLogger(SparkTokenizer.class);

  /**
   * What a job did.
   *
   * @param tokenizer the trained tokenizer (also written to {@code out})
   * @param parameters number of values sent to each worker per step (parameters and codebook)
   * @param stepSeconds wall time of each step (tasks, combination, update)
   * @param taskSeconds per step, the longest time a task spent on its shard (images, teacher
   *     features, forward and backward pass)
   */
  public record Result(
      VqKdTokenizer tokenizer, long parameters, double[] stepSeconds, double[] taskSeconds) {}

  private SparkTokenizer() {}

  /**
   * Trains the tokenizer of {@code job} and writes it to {@code job.out()}.
   *
   * @throws IllegalArgumentException if {@code out} already holds files, or the teacher's grid does
   *     not fit the config
   * @throws org.apache.spark.SparkException (unchecked by Spark's Java API) when a task fails
   */
  public static Result run(JavaSparkContext sc, SparkTokenizerJob job) {
    Configuration conf = sc.hadoopConfiguration();
    if (HadoopDirs.holdsFiles(job.out(), conf)) {
      throw new IllegalArgumentException(
          job.out() + " already holds files: choose another output directory or delete it");
    }
    VqKdConfig config;
    String teacherId;
    // the driver reads the teacher's width and id; its features are computed on the executors
    try (Teacher teacher =
        TokenizerWorker.open(
            job.teacher(), job.teacherNorm(), job.config().gridSize(), new Configuration(conf))) {
      config = job.config().withTeacherDim(teacher.featureDim()).withRun(r -> r.withReplicas(1));
      teacherId = teacher.id();
    }
    ImageDataset dataset =
        SparkData.open(SparkData.local(job.data(), conf), config.encoder().channels());
    ImageBatchIterator images = SparkData.batches(dataset, config);
    int batch = config.run().batchSize();
    Plan plan = new Plan(images, batch, false, job.workers(), 0);
    TokenizerWorker.Spec spec =
        new TokenizerWorker.Spec(
            new HashMap<>(RecordProperties.flatten(config)),
            job.data(),
            job.teacher(),
            job.teacherNorm());
    String session = UUID.randomUUID().toString();
    List<Double> seconds = new ArrayList<>();
    List<Double> taskSeconds = new ArrayList<>();
    long parameters;
    VqKdTokenizer tokenizer;
    try (Replicas<GradientGraph> graphs =
            Replicas.create(1, r -> VqKdTraining.replica(config), GradientGraph::parameters);
        ProgressBar bar = new ProgressBar("spark-tokenizer", config.steps(), "img")) {
      List<INDArray> first = new ArrayList<>();
      for (int s = 0; s < config.kmeansBatches(); s++) {
        first.add(
            images.batchOf(plan.epoch(s), plan.batch(s)).getFeatures(0).castTo(DataType.FLOAT));
      }
      VqKdTraining training = VqKdTraining.start(config, graphs, first);
      parameters =
          VqKdTraining.weights(graphs.primary()).values().stream().mapToLong(a -> a.length()).sum();
      for (long s = 0; s < config.steps(); s++) {
        long start = System.nanoTime();
        Broadcast<ParamSnapshot> weights =
            sc.broadcast(
                new ParamSnapshot(
                    session, s, NamedFloats.of(VqKdTraining.weights(graphs.primary()))));
        List<Shard> shards = plan.shards(s);
        Combiner.Combined c =
            Combiner.combine(
                sc.parallelize(shards, shards.size())
                    .map(shard -> TokenizerWorker.run(spec, weights.value(), shard)),
                job.treeFrom());
        weights.destroy();
        VqKdTokenizer.StepLog entry = training.apply(c.pass(), c.hq(), c.codes());
        seconds.add((System.nanoTime() - start) / 1e9);
        taskSeconds.add(c.taskSeconds());
        if (entry != null) {
          log.debug("{}", entry);
          bar.metric("loss", entry.distill() + entry.commitment())
              .metric("cos", entry.cosine())
              .metric("ppl", entry.perplexity());
        }
        bar.step(c.codes().length / config.numPatches());
      }
      tokenizer = training.tokenizer(teacherId, job.data() + ", " + dataset.size() + " images");
    }
    write(tokenizer, job.out(), conf);
    return new Result(
        tokenizer,
        parameters,
        seconds.stream().mapToDouble(Double::doubleValue).toArray(),
        taskSeconds.stream().mapToDouble(Double::doubleValue).toArray());
  }

  /** Saves the tokenizer and its {@code metrics.csv} locally by the library, then uploads them. */
  private static void write(VqKdTokenizer tokenizer, String out, Configuration conf) {
    Path staging;
    try {
      staging = Files.createTempDirectory("beit4j-spark-tokenizer-");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    try {
      Path local = staging.resolve("tokenizer");
      tokenizer.save(local);
      TokenizerStage.writeMetrics(RunLayout.metrics(local), tokenizer.history());
      HadoopDirs.upload(local, out, conf);
    } finally {
      try {
        AtomicFiles.deleteRecursively(staging);
      } catch (IOException e) {
        log.warn("could not delete the staging directory {}: {}", staging, e.toString());
      }
    }
  }
}
