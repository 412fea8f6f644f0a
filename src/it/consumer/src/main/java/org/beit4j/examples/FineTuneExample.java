package org.beit4j.examples;

import java.io.IOException;
import java.nio.file.Path;
import org.beit4j.config.VitConfig;
import org.beit4j.data.SyntheticImages;
import org.beit4j.dl4j.BackboneParams;
import org.beit4j.dl4j.BeitBackboneLayer;
import org.beit4j.dl4j.ImageDataSets;
import org.beit4j.nn.VisionTransformer;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.lossfunctions.LossFunctions;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What a DL4J user does with beit4j: load a pretrained backbone, extract features, and fine-tune
 * a classifier on top of it in a {@link ComputationGraph}.
 */
public final class FineTuneExample {

  private static final Logger log = LoggerFactory.getLogger(FineTuneExample.class);

  /** Losses and features seen by {@link #run}. */
  public record Result(INDArray features, double lossBefore, double lossAfter, ComputationGraph graph) {}

  private FineTuneExample() {}

  /** A stand-in for a pretrained backbone file: a tiny ViT, saved by beit4j. */
  public static Path savePretrained(Path dir) {
    Path file = dir.resolve("backbone.sd");
    VisionTransformer.build(VitConfig.test(), 42).save(file);
    return file;
  }

  /** The classifier graph: images -> beit4j backbone ([CLS] features) -> softmax output. */
  public static ComputationGraph classifier(VitConfig cfg, int classes) {
    BeitBackboneLayer backbone = new BeitBackboneLayer(cfg, BeitBackboneLayer.Output.CLS, 0);
    ComputationGraphConfiguration conf =
        new NeuralNetConfiguration.Builder()
            .seed(1)
            .updater(new Adam(3e-3))
            .graphBuilder()
            .addInputs("images")
            .setInputTypes(InputType.convolutional(cfg.imageSize(), cfg.imageSize(), cfg.channels()))
            .addLayer("backbone", backbone, "images")
            .addLayer(
                "classifier",
                new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT)
                    .nIn(backbone.outputSize())
                    .nOut(classes)
                    .activation(Activation.SOFTMAX)
                    .build(),
                "backbone")
            .setOutputs("classifier")
            .build();
    ComputationGraph graph = new ComputationGraph(conf);
    graph.init();
    return graph;
  }

  /** Loads {@code backboneFile}, extracts features, fine-tunes for {@code steps} steps. */
  public static Result run(Path backboneFile, int steps) throws IOException {
    VisionTransformer pretrained = VisionTransformer.load(backboneFile);
    VitConfig cfg = pretrained.config();
    SyntheticImages images = new SyntheticImages(24, cfg.channels(), cfg.imageSize(), cfg.imageSize(), 3, 7);
    DataSet train = ImageDataSets.of(images, 0, images.size());

    INDArray features = pretrained.pooled(train.getFeatures()); // [24, D]
    log.info("features {}", features.shapeInfoToString());

    ComputationGraph graph = classifier(cfg, images.numClasses());
    BackboneParams.copy(pretrained, graph, "backbone");
    double before = graph.score(train);
    for (int i = 0; i < steps; i++) {
      graph.fit(train);
    }
    double after = graph.score(train);
    log.info("fine-tuning loss {} -> {} after {} steps", before, after, steps);
    return new Result(features, before, after, graph);
  }

  public static void main(String[] args) throws IOException {
    Path dir = java.nio.file.Files.createTempDirectory("beit4j-consumer");
    run(savePretrained(dir), 20);
  }
}
