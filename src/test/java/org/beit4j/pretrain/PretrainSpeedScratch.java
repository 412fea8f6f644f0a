package org.beit4j.pretrain;

import java.nio.file.Files;
import org.beit4j.config.VitConfig;
import org.beit4j.tokenizer.PixelKMeansTokenizer;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.dataset.MultiDataSet;
import org.nd4j.linalg.factory.Nd4j;

class PretrainSpeedScratch {
  @Test
  void run() throws Exception {
    for (String spec : System.getProperty("specs").split(";")) {
      String[] p = spec.split(",");
      int d = Integer.parseInt(p[0]),
          l = Integer.parseInt(p[1]),
          h = Integer.parseInt(p[2]),
          b = Integer.parseInt(p[3]);
      boolean cls = p.length > 4 && p[4].equals("cls");
      VitConfig v = VitConfig.mnist().withDepth(l);
      v = new VitConfig(28, 4, 1, d, l, h, 4.0, true, 0.1, false, true, 0.0);
      PixelKMeansTokenizer tok =
          PixelKMeansTokenizer.fit(Nd4j.rand(DataType.FLOAT, 200, 1, 28, 28), 4, 256, false, 3, 1);
      PretrainConfig c = PretrainConfig.of(v, 256, 100, b).withClsHead(cls);
      Pretrainer t = Pretrainer.create(c, tok, Files.createTempDirectory("ps"));
      MultiDataSet ds = new MultiDataSet(Nd4j.rand(DataType.FLOAT, b, 1, 28, 28), null);
      for (int i = 0; i < 2; i++) t.step(ds);
      if (System.getProperty("prof") != null) {
        t.model()
            .sameDiff()
            .addListeners(
                org.nd4j.autodiff.listeners.profiler.ProfilingListener.builder(
                        new java.io.File(System.getProperty("prof")))
                    .recordAll()
                    .warmup(0)
                    .build());
        long a = System.nanoTime();
        t.step(ds);
        System.err.printf("RESULT profiled step %.0f ms%n", (System.nanoTime() - a) / 1e6);
        return;
      }
      long t0 = System.nanoTime();
      for (int i = 0; i < 5; i++) t.step(ds);
      System.err.printf(
          "RESULT %s ms/step %.0f img/s %.1f%n",
          spec, (System.nanoTime() - t0) / 5e6, 5.0 * b / ((System.nanoTime() - t0) / 1e9));
    }
  }
}
