package org.beit4j.spark;

import java.io.Serializable;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.beit4j.data.ImageBatchIterator;
import org.beit4j.data.TwoViewTransform;
import org.beit4j.io.RecordProperties;
import org.beit4j.pipeline.Artefacts;
import org.beit4j.pretrain.BlockMasking;
import org.beit4j.pretrain.PretrainConfig;
import org.beit4j.pretrain.PretrainModel;
import org.beit4j.tokenizer.VisualTokenizer;
import org.beit4j.train.Replicas;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.api.MultiDataSet;
import org.nd4j.linalg.factory.Nd4j;

/**
 * An executor's graph replica with its tokenizer and data reader: computes the gradients of one
 * shard. Replicas are cached per JVM and job ({@link #run}), one per task slot that has run a
 * shard: a task borrows an idle one or builds one, and gives it back when done.
 */
final class Worker {

  /**
   * What an executor needs to build a worker.
   *
   * @param config the flattened {@link PretrainConfig}
   */
  record Spec(HashMap<String, String> config, String data, String tokenizer, boolean augment)
      implements Serializable {

    /** Identifies the job's graphs in an executor's cache. */
    String key() {
      return HadoopDirs.digest(config + "|" + data + "|" + tokenizer + "|" + augment);
    }
  }

  private static final Map<String, Deque<Worker>> IDLE = new HashMap<>();

  private final PretrainModel model;
  private final VisualTokenizer tokenizer;
  private final ImageBatchIterator data;
  private final BlockMasking masking;
  private String session = "";
  private long step = -1;

  private Worker(Spec spec) {
    PretrainConfig config = RecordProperties.unflatten(PretrainConfig.class, spec.config());
    Configuration conf = new Configuration();
    this.model = PretrainModel.build(config, DataType.FLOAT);
    this.tokenizer = Artefacts.tokenizer(HadoopDirs.local(spec.tokenizer(), conf));
    String local =
        SparkData.FASHION_MNIST.equals(spec.data())
            ? spec.data()
            : HadoopDirs.local(spec.data(), conf).toString();
    this.data =
        SparkData.batches(SparkData.open(local, config.vit().channels()), config, spec.augment());
    this.masking = new BlockMasking(config.masking(), config.run().seed());
  }

  /** Runs {@code shard} on an idle replica of the job (built if there is none). */
  static ShardPass run(Spec spec, ParamSnapshot params, Shard shard) {
    if (shard.fail()) {
      throw new IllegalStateException("failure injected at step " + (shard.step() + 1));
    }
    Worker w = borrow(spec);
    try {
      return w.pass(params, shard);
    } finally {
      giveBack(spec, w);
    }
  }

  private static synchronized Worker borrow(Spec spec) {
    String key = spec.key();
    IDLE.keySet().retainAll(java.util.Set.of(key)); // graphs of an older job are dropped
    Deque<Worker> idle = IDLE.computeIfAbsent(key, k -> new ArrayDeque<>());
    // built under the lock: graph building is not known to be thread-safe
    return idle.isEmpty() ? new Worker(spec) : idle.pop();
  }

  private static synchronized void giveBack(Spec spec, Worker w) {
    IDLE.computeIfAbsent(spec.key(), k -> new ArrayDeque<>()).push(w);
  }

  /** The shard's gradients and metrics under the broadcast parameters. */
  private ShardPass pass(ParamSnapshot params, Shard shard) {
    long start = System.nanoTime();
    if (!params.sameAs(session, step)) {
      params.values().copyInto(model.parameters());
      session = params.session();
      step = params.step();
    }
    MultiDataSet batch = data.batchOf(shard.epoch(), shard.indices());
    INDArray images = batch.getFeatures(TwoViewTransform.VIT_VIEW); // [b, C, H, W]
    INDArray tokView =
        batch.getFeatures().length > 1
            ? batch.getFeatures(TwoViewTransform.TOKENIZER_VIEW)
            : images; // [b, C, H, W]
    int b = shard.indices().length;
    INDArray codes =
        Nd4j.createFromArray(tokenizer.tokenize(tokView)).castTo(DataType.INT); // [b, N]
    INDArray mask =
        masking.batch(shard.step(), shard.offset(), b).castTo(model.dataType()); // [b, N]
    Replicas.Pass p =
        model.replicaPass(new PretrainModel.Batch(images.castTo(model.dataType()), mask, codes));
    return ShardPass.of(p, (System.nanoTime() - start) / 1e9);
  }
}
