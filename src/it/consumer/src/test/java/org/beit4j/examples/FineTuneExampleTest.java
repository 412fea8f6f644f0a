package org.beit4j.examples;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.util.ModelSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.ndarray.INDArray;

class FineTuneExampleTest {

  @Test
  void loadsTheBackboneExtractsFeaturesAndFineTunesAClassifier(@TempDir Path dir) throws Exception {
    FineTuneExample.Result r = FineTuneExample.run(FineTuneExample.savePretrained(dir), 20);
    assertArrayEquals(new long[] {24, 32}, r.features().shape());
    assertTrue(r.lossAfter() < 0.8 * r.lossBefore(), r.lossBefore() + " -> " + r.lossAfter());

    Path saved = dir.resolve("classifier.zip");
    ModelSerializer.writeModel(r.graph(), saved.toFile(), true);
    ComputationGraph restored = ModelSerializer.restoreComputationGraph(saved.toFile(), true);
    INDArray x = org.nd4j.linalg.factory.Nd4j.rand(org.nd4j.linalg.api.buffer.DataType.FLOAT, 2, 1, 28, 28);
    assertEquals(r.graph().outputSingle(x), restored.outputSingle(x));
  }

  @Test
  void graphBackboneEqualsTheLoadedModel(@TempDir Path dir) throws Exception {
    Path file = FineTuneExample.savePretrained(dir);
    org.beit4j.nn.VisionTransformer vt = org.beit4j.nn.VisionTransformer.load(file);
    ComputationGraph graph = FineTuneExample.classifier(vt.config(), 3);
    org.beit4j.dl4j.BackboneParams.copy(vt, graph, "backbone");
    INDArray x = org.nd4j.linalg.factory.Nd4j.rand(org.nd4j.linalg.api.buffer.DataType.FLOAT, 3, 1, 28, 28);
    INDArray fromGraph = graph.feedForward(x, false).get("backbone");
    double diff = fromGraph.sub(vt.pooled(x)).amaxNumber().doubleValue();
    assertTrue(diff < 1e-5, "diff " + diff);
  }
}
