package org.beit4j.spark;

import java.io.Serializable;
import java.util.HashMap;
import org.apache.hadoop.conf.Configuration;
import org.beit4j.data.ImageBatchIterator;
import org.beit4j.io.RecordProperties;
import org.beit4j.pipeline.TeacherSource;
import org.beit4j.samediff.GradientGraph;
import org.beit4j.teacher.Teacher;
import org.beit4j.tokenizer.VqKdConfig;
import org.beit4j.tokenizer.VqKdTraining;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * An executor's VQ-KD graph replica with its own copy of the teacher and a data reader: computes
 * the teacher's patch features of one shard's images and the shard's {@link VqKdTraining#share}
 * (gradients, losses, encoder outputs and codes). Cached per JVM and job ({@link Pool}); the
 * teacher directory and the data are copied to the executor once ({@link HadoopDirs#local}).
 */
final class TokenizerWorker {

  /**
   * What an executor needs to build a worker.
   *
   * @param config the flattened {@link VqKdConfig} (with the teacher's width)
   */
  record Spec(HashMap<String, String> config, String data, String teacher, boolean teacherNorm)
      implements Serializable {

    /** Identifies the job's graphs in an executor's cache. */
    String key() {
      return HadoopDirs.digest("vqkd|" + config + "|" + data + "|" + teacher + "|" + teacherNorm);
    }
  }

  private final VqKdConfig config;
  private final GradientGraph graph;
  private final Teacher teacher;
  private final ImageBatchIterator data;
  private String session = "";
  private long step = -1;

  private TokenizerWorker(Spec spec) {
    this.config = RecordProperties.unflatten(VqKdConfig.class, spec.config());
    Configuration conf = new Configuration();
    this.graph = VqKdTraining.replica(config);
    this.teacher = open(spec.teacher(), spec.teacherNorm(), config.gridSize(), conf);
    this.data =
        SparkData.batches(
            SparkData.open(SparkData.local(spec.data(), conf), config.encoder().channels()),
            config);
  }

  /** The teacher in {@code uri} (a CNN teacher directory), copied here once per JVM. */
  static Teacher open(String uri, boolean norm, int gridSize, Configuration conf) {
    return TeacherSource.cnn(HadoopDirs.local(uri, conf)).withLayerNorm(norm).open(gridSize);
  }

  /** Runs {@code shard} on an idle replica of the job (built if there is none). */
  static ShardPass run(Spec spec, ParamSnapshot weights, Shard shard) {
    shard.failIfAsked();
    return Pool.with(spec.key(), () -> new TokenizerWorker(spec), w -> w.pass(weights, shard));
  }

  private ShardPass pass(ParamSnapshot weights, Shard shard) {
    long start = System.nanoTime();
    if (!weights.sameAs(session, step)) {
      weights.values().copyInto(VqKdTraining.weights(graph));
      session = weights.session();
      step = weights.step();
    }
    INDArray images =
        data.batchOf(shard.epoch(), shard.indices())
            .getFeatures(0)
            .castTo(DataType.FLOAT); // [b, C, H, W]
    INDArray t = teacher.patchFeatures(images).castTo(DataType.FLOAT); // [b, N, Dt]
    VqKdTraining.Share s =
        VqKdTraining.share(config, graph, new org.nd4j.linalg.dataset.MultiDataSet(images, t));
    return ShardPass.of(s.pass(), (System.nanoTime() - start) / 1e9)
        .withRows(shard.offset(), s.hq(), s.codes());
  }
}
