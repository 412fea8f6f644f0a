package org.beit4j;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.beit4j.config.VitConfig;
import org.beit4j.data.FashionMnist;
import org.beit4j.data.ImageBatchIterator;
import org.beit4j.data.LoaderConfig;
import org.beit4j.data.SamplePhotos;
import org.beit4j.nn.VisionTransformer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.ndarray.INDArray;

/** The README's "Using the library" lines, with VitConfig.test() and fewer images. */
class ReadmeExampleTest {

  @TempDir Path tmp;

  @Test
  void readmeExampleRuns() throws IOException {
    VisionTransformer vit =
        VisionTransformer.build(VitConfig.test(), 42L, 10).configureTraining(1e-3);
    ImageBatchIterator train =
        ImageBatchIterator.of(
            FashionMnist.load(FashionMnist.Split.TRAIN),
            vit.inputContract().transform(), // raw [0, 1] pixels, 28 x 28, one channel
            LoaderConfig.of(64).withLimit(256));
    int steps = 0;
    while (train.hasNext()) {
      vit.fit(train.next());
      steps++;
    }
    assertEquals(4, steps);
    train.reset();
    INDArray features = vit.pooled(train.next().getFeatures(0));
    assertArrayEquals(new long[] {64, VitConfig.test().width()}, features.shape());
    vit.save(tmp.resolve("vit.sd"));
    assertTrue(Files.size(tmp.resolve("vit.sd")) > 0);
    VisionTransformer loaded = VisionTransformer.load(tmp.resolve("vit.sd"));
    INDArray photo = loaded.inputContract().prepare(SamplePhotos.open().image(0)); // 64x64 RGB
    assertArrayEquals(new long[] {1, 1, 28, 28}, photo.shape());
    assertArrayEquals(new long[] {1, VitConfig.test().width()}, loaded.pooled(photo).shape());
  }
}
