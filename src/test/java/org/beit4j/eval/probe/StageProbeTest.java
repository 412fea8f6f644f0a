package org.beit4j.eval.probe;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.SplittableRandom;
import org.beit4j.config.VitConfig;
import org.beit4j.data.ImageBatchIterator;
import org.beit4j.data.LoaderConfig;
import org.beit4j.data.SyntheticImages;
import org.beit4j.data.TransformConfig;
import org.beit4j.eval.LabelledImages;
import org.beit4j.nn.VisionTransformer;
import org.beit4j.tokenizer.VqKdConfig;
import org.beit4j.tokenizer.VqKdTokenizer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.knowm.xchart.XYChart;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

class StageProbeTest {

  @TempDir Path tmp;

  private static INDArray images(int n) {
    return LabelledImages.load(new SyntheticImages(n, 1, 28, 28, 4, 3), 0, 0).images();
  }

  /** Class c lights rows [7c, 7c + 7) on faint noise: linearly and cosine separable. */
  private static LabelledImages bands(int n, long seed) {
    SplittableRandom r = new SplittableRandom(seed);
    float[][][][] x = new float[n][1][28][28];
    int[] y = new int[n];
    for (int i = 0; i < n; i++) {
      y[i] = i % 4;
      for (int row = 0; row < 28; row++) {
        for (int col = 0; col < 28; col++) {
          boolean lit = row / 7 == y[i];
          x[i][0][row][col] = (float) ((lit ? 1.0 : 0.0) + 0.05 * r.nextDouble());
        }
      }
    }
    return new LabelledImages(Nd4j.create(x), y, 4, "bands " + seed);
  }

  @Test
  void everyLayerIsReadAndTheLastOneIsWhatTheModelPools() {
    VitConfig cfg = VitConfig.test();
    VisionTransformer vit = VisionTransformer.build(cfg, 7);
    INDArray x = images(6);
    List<INDArray> layers = BackboneLayers.of(vit).tokens(x);
    assertEquals(cfg.depth(), layers.size());
    for (INDArray t : layers) {
      assertEquals(
          List.of(6L, (long) cfg.tokens(), (long) cfg.width()),
          List.of(t.size(0), t.size(1), t.size(2)));
    }
    INDArray pooled = vit.pooled(x); // [CLS], the graph's own pooling
    INDArray lastCls =
        VisionTransformer.pool(layers.get(cfg.depth() - 1), VisionTransformer.Pool.CLS);
    assertTrue(pooled.equalsWithEps(lastCls, 1e-5), "last layer [CLS] = VisionTransformer.pooled");
    INDArray firstCls = VisionTransformer.pool(layers.get(0), VisionTransformer.Pool.CLS);
    assertFalse(pooled.equalsWithEps(firstCls, 1e-3), "layer 1 is not the last layer");

    StageFeatures s = StageSources.backbone("backbone", vit);
    assertEquals(3 * cfg.depth(), s.parts().size());
    int d = cfg.width();
    for (int l = 1; l <= cfg.depth(); l++) {
      assertEquals(d, s.parts().get(3 * (l - 1)).dims());
      assertEquals(d, s.parts().get(3 * (l - 1) + 1).dims());
      assertEquals(2 * d, s.parts().get(3 * (l - 1) + 2).dims());
      assertEquals(l, s.parts().get(3 * (l - 1)).layer());
    }
    List<INDArray> f = s.features(x);
    int last = 3 * (cfg.depth() - 1);
    assertTrue(f.get(last).equalsWithEps(pooled, 1e-5));
    assertTrue(f.get(last + 1).equalsWithEps(vit.pooled(x, VisionTransformer.Pool.MEAN), 1e-5));
    INDArray both = f.get(last + 2);
    assertTrue(
        both.get(NDArrayIndex.all(), NDArrayIndex.interval(0, d)).equalsWithEps(pooled, 1e-6));
    assertTrue(
        both.get(NDArrayIndex.all(), NDArrayIndex.interval(d, 2 * d))
            .equalsWithEps(f.get(last + 1), 1e-6));
  }

  @Test
  void teacherIsReadRawAndL2Normalised() {
    PatchPixelTeacher t = new PatchPixelTeacher();
    INDArray x = images(5);
    StageFeatures s = StageSources.teacher(t);
    assertEquals(List.of(16, 16, 16), s.parts().stream().map(Representation::dims).toList());
    List<INDArray> f = s.features(x);
    // pixel (0, 0) of patch n is image pixel (4 gy, 4 gx); its mean over the 49 patches by hand
    double sum = 0;
    for (int gy = 0; gy < 7; gy++) {
      for (int gx = 0; gx < 7; gx++) {
        sum += x.getDouble(2, 0, 4 * gy, 4 * gx);
      }
    }
    assertEquals(sum / 49, f.get(0).getDouble(2, 0), 1e-5);
    INDArray norms = f.get(1).norm2(1); // [B]
    for (int b = 0; b < 5; b++) {
      assertEquals(1.0, norms.getDouble(b), 1e-5, "l2 row " + b);
      double patches = f.get(2).getRow(b).norm2Number().doubleValue();
      assertTrue(patches <= 1 + 1e-5 && patches > 0.5, "mean of unit patches " + patches);
    }
  }

  @Test
  void tokenizerStageGivesEncoderDecoderCodeMapAndBag() {
    VqKdConfig vq = VqKdConfig.test().withRun(r -> r.withSteps(2));
    ImageBatchIterator data =
        ImageBatchIterator.of(
            new SyntheticImages(64, 1, 28, 28, 4, 1),
            TransformConfig.plain(28, 1),
            LoaderConfig.of(16));
    VqKdTokenizer tok =
        VqKdTokenizer.train(vq, new PatchPixelTeacher(), data, "synthetic", null, null);
    StageFeatures s = StageSources.tokenizer("tokenizer", tok, 1 << 15);
    assertEquals(
        List.of("tokenizer encoder", "tokenizer decoder", "tokenizer code map", "tokenizer bag"),
        s.parts().stream().map(Representation::name).toList());
    int k = vq.quantizer().codebookSize();
    assertEquals(
        List.of(vq.quantizer().codeDim(), 16, 49 * k, k),
        s.parts().stream().map(Representation::dims).toList());
    INDArray x = images(3);
    List<INDArray> f = s.features(x);
    int[][] codes = tok.tokenize(x);
    assertTrue(f.get(1).equalsWithEps(tok.decode(codes).mean(1), 1e-5), "decoder = decode(codes)");
    for (int b = 0; b < 3; b++) {
      assertEquals(49.0, f.get(2).getRow(b).sumNumber().doubleValue(), 1e-6, "one code per patch");
      assertEquals(1.0, f.get(2).getDouble(b, 5 * k + codes[b][5]), "patch 5's code");
      assertEquals(1.0, f.get(3).getRow(b).sumNumber().doubleValue(), 1e-5, "bag sums to 1");
    }
    StageFeatures narrow = StageSources.tokenizer("tokenizer", tok, 49 * k - 1);
    assertEquals(3, narrow.parts().size(), "code map wider than the limit is left out");
    assertEquals(f.get(3), narrow.features(x).get(2));
  }

  @Test
  void aSeparableSetProbesAtOneHundredPercentAndTheTableRoundTrips() throws Exception {
    StageProbe probe = new StageProbe(bands(80, 1), bands(40, 2), StageProbeConfig.test());
    StageTable t =
        probe.run(
            List.of(StageSources.pixels(1, 28), StageSources.teacher(new PatchPixelTeacher())));
    assertEquals(
        List.of("pixels", "teacher", "teacher l2", "teacher l2 patches"),
        t.rows().stream().map(r -> r.representation().name()).toList());
    assertEquals(784, t.row("pixels").representation().dims());
    for (StageTable.Row r : t.rows()) {
      assertEquals(1.0, r.linearTop1(), r.representation().name() + " linear");
      assertEquals(1.0, r.knnTop1(), r.representation().name() + " k-NN");
      assertEquals(80, r.trainImages());
      assertEquals(40, r.testImages());
    }
    assertTrue(
        t.toMarkdown().contains("| pixels | pixels | 784 | 100.0% | 100.0% |"), t.toMarkdown());
    List<Path> files = t.save(tmp);
    assertEquals(2, files.size(), "no layers, no plot");
    assertEquals(t, StageTable.load(tmp.resolve(StageTable.CSV_FILE)));
    assertFalse(Files.exists(tmp.resolve(StageTable.PLOT_FILE)));
  }

  @Test
  void perLayerRowsArePlottedAsFourLines() throws Exception {
    StageTable t = new StageTable(List.of());
    for (int l = 1; l <= 3; l++) {
      for (Representation.Readout r : Representation.Readout.values()) {
        if (r != Representation.Readout.NONE) {
          Representation p = new Representation("layer " + l + " " + r, "", 8, l, r);
          t = t.with(new StageTable.Row("backbone", p, 0.1 * l, 0.2, 10, 5));
        }
      }
    }
    assertEquals(List.of("backbone"), t.layeredStages());
    assertEquals(
        List.of(0.1, 0.2, 0.30000000000000004),
        t.layers("backbone", Representation.Readout.CLS).stream()
            .map(StageTable.Row::linearTop1)
            .toList());
    XYChart c = LayerPlot.of(t);
    assertEquals(4, c.getSeriesMap().size());
    assertEquals(3, c.getSeriesMap().get("[CLS] linear").getYData().length);
    assertEquals(30.000000000000004, c.getSeriesMap().get("[CLS] linear").getYData()[2], 1e-9);
    assertEquals(3, t.save(tmp).size());
    assertTrue(Files.size(tmp.resolve(StageTable.PLOT_FILE)) > 1000);
  }

  @Test
  void presetsAreNamedAndCheckedAndRepresentationsValidated() {
    assertEquals(List.of("quick", "full", "test"), StageProbeConfig.PRESETS.names());
    StageProbeConfig q = StageProbeConfig.PRESETS.get("quick");
    assertEquals(5_000, q.frozen().trainLimit());
    assertEquals(1_000, q.frozen().testLimit());
    assertEquals(0, StageProbeConfig.PRESETS.get("full").frozen().trainLimit());
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> StageProbeConfig.PRESETS.get("fast"));
    assertTrue(e.getMessage().contains("[quick, full, test]"), e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> new StageProbeConfig(q.frozen(), 0));
    assertThrows(
        IllegalArgumentException.class,
        () -> new Representation("x", "", 4, 0, Representation.Readout.CLS));
    assertNotEquals(q, q.withSeed(3));
  }
}
