package org.beit4j.spark;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
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
import org.beit4j.train.AdamW;
import org.beit4j.train.Replicas;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.api.MultiDataSet;
import org.nd4j.linalg.factory.Nd4j;

/**
 * An executor's pretraining graph replica with its tokenizer and data reader: computes the
 * gradients of one shard ({@link #run}), or takes a round of local AdamW steps on its shards of
 * several steps ({@link #round}). Replicas are cached per JVM and job ({@link Pool}).
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
      return HadoopDirs.digest("mim|" + config + "|" + data + "|" + tokenizer + "|" + augment);
    }
  }

  private final PretrainConfig config;
  private final PretrainModel model;
  private final VisualTokenizer tokenizer;
  private final ImageBatchIterator data;
  private final BlockMasking masking;
  private String session = "";
  private long step = -1;

  private Worker(Spec spec) {
    this.config = RecordProperties.unflatten(PretrainConfig.class, spec.config());
    Configuration conf = new Configuration();
    this.model = PretrainModel.build(config, DataType.FLOAT);
    this.tokenizer = Artefacts.tokenizer(HadoopDirs.local(spec.tokenizer(), conf));
    this.data =
        SparkData.batches(
            SparkData.open(SparkData.local(spec.data(), conf), config.vit().channels()),
            config,
            spec.augment());
    this.masking = new BlockMasking(config.masking(), config.run().seed());
  }

  /** Runs {@code shard} on an idle replica of the job (built if there is none). */
  static ShardPass run(Spec spec, ParamSnapshot params, Shard shard) {
    shard.failIfAsked();
    return Pool.with(spec.key(), () -> new Worker(spec), w -> w.pass(params, shard));
  }

  /**
   * {@code --sync-every}: from the broadcast parameters and optimiser moments, one AdamW step per
   * shard (this worker's shards of consecutive steps, in order), each on the gradient of its own
   * shard alone.
   *
   * @param moments the driver's {@link AdamW#state} without its step count, which is {@code
   *     shards[0].step()}
   */
  static ShardPass round(Spec spec, ParamSnapshot params, NamedFloats moments, Shard[] shards) {
    for (Shard s : shards) {
      s.failIfAsked();
    }
    return Pool.with(spec.key(), () -> new Worker(spec), w -> w.local(params, moments, shards));
  }

  private void load(ParamSnapshot params) {
    if (!params.sameAs(session, step)) {
      params.values().copyInto(model.parameters());
      session = params.session();
      step = params.step();
    }
  }

  /** The shard's images, codes and masks: its rows of the one-process run's batch. */
  private PretrainModel.Batch batch(Shard shard) {
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
    return new PretrainModel.Batch(images.castTo(model.dataType()), mask, codes);
  }

  /** The shard's gradients and metrics under the broadcast parameters. */
  private ShardPass pass(ParamSnapshot params, Shard shard) {
    long start = System.nanoTime();
    load(params);
    Replicas.Pass p = model.replicaPass(batch(shard));
    return ShardPass.of(p, (System.nanoTime() - start) / 1e9);
  }

  private ShardPass local(ParamSnapshot params, NamedFloats moments, Shard[] shards) {
    long start = System.nanoTime();
    load(params);
    AdamW adam = AdamW.of(config.run().optimizer(), config.run().schedule(), AdamW::beitDecay);
    Map<String, INDArray> state = moments.arrays();
    state.put(LocalRound.STEP, Nd4j.scalar(shards[0].step()));
    adam.restore(state);
    List<Replicas.Pass> steps = new ArrayList<>();
    double[] rates = new double[shards.length];
    double[] norms = new double[shards.length];
    long images = 0;
    for (int i = 0; i < shards.length; i++) {
      Replicas.Pass p = model.replicaPass(batch(shards[i]));
      norms[i] = adam.step(model.parameters(), p.gradients());
      rates[i] = adam.lastLearningRate();
      steps.add(new Replicas.Pass(Map.of(), p.metrics(), p.weight()));
      images += shards[i].indices().length;
    }
    session = ""; // the parameters are this worker's own now, no snapshot's
    step = -1;
    Map<String, INDArray> after = adam.state();
    after.remove(LocalRound.STEP);
    return LocalRound.encode(
        model.parameters(), after, steps, rates, norms, images, (System.nanoTime() - start) / 1e9);
  }
}
