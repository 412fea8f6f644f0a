package org.beit4j.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FashionMnistTest {

  @TempDir Path dir;

  private void writeSplit(FashionMnist.Split split, int n, int side, byte[] labels)
      throws IOException {
    byte[] px = new byte[n * side * side];
    for (int i = 0; i < px.length; i++) {
      px[i] = (byte) (i % 256);
    }
    Files.write(
        dir.resolve(split.imagesFile()),
        IdxFileTest.gzip(IdxFileTest.idx(new int[] {n, side, side}, px)));
    Files.write(
        dir.resolve(split.labelsFile()),
        IdxFileTest.gzip(IdxFileTest.idx(new int[] {labels.length}, labels)));
  }

  @Test
  void loadsHandMadeSplit() throws IOException {
    writeSplit(FashionMnist.Split.TEST, 3, 28, new byte[] {4, 0, 9});
    FashionMnist fm = FashionMnist.load(dir, FashionMnist.Split.TEST);
    assertEquals(3, fm.size());
    assertEquals(9, fm.label(2));
    Image img = fm.image(1);
    assertEquals(1, img.channels());
    assertEquals(28, img.height());
    // byte (784 + 5*28 + 3) % 256 at row 5, column 3 of image 1
    int raw = (784 + 5 * 28 + 3) % 256;
    assertEquals(raw, fm.rawPixel(1, 5, 3));
    assertEquals(raw / 255f, img.get(0, 5, 3), 1e-7);
  }

  @Test
  void wrongImageSizeIsRejected() throws IOException {
    writeSplit(FashionMnist.Split.TEST, 2, 27, new byte[] {1, 2});
    IdxFormatException e =
        assertThrows(
            IdxFormatException.class, () -> FashionMnist.load(dir, FashionMnist.Split.TEST));
    assertTrue(e.getMessage().contains("expected images of shape [N, 28, 28], found [2, 27, 27]"));
    assertTrue(e.getMessage().contains("apt-get install --reinstall dataset-fashion-mnist"));
  }

  @Test
  void labelCountMismatchAndBadLabelAreRejected() throws IOException {
    writeSplit(FashionMnist.Split.TEST, 3, 28, new byte[] {1, 2});
    IdxFormatException e =
        assertThrows(
            IdxFormatException.class, () -> FashionMnist.load(dir, FashionMnist.Split.TEST));
    assertTrue(e.getMessage().contains("2 labels but t10k-images-idx3-ubyte.gz has 3 images"));

    writeSplit(FashionMnist.Split.TEST, 2, 28, new byte[] {1, 12});
    e =
        assertThrows(
            IdxFormatException.class, () -> FashionMnist.load(dir, FashionMnist.Split.TEST));
    assertEquals(9, e.offset());
    assertTrue(e.getMessage().contains("label 12 of item 1"), e.getMessage());
  }

  @Test
  void missingDirectoryNamesFileAndInstallCommand() {
    DatasetException e =
        assertThrows(
            DatasetException.class,
            () -> FashionMnist.load(dir.resolve("absent"), FashionMnist.Split.TRAIN));
    assertTrue(e.getMessage().contains("absent/train-images-idx3-ubyte.gz: file not found."));
    assertTrue(e.getMessage().contains(FashionMnist.INSTALL_HINT));
  }

  /** The real files from Debian's dataset-fashion-mnist (bin/install-datasets installs them). */
  @Test
  void realDatasetCountsAndFirstImage() {
    FashionMnist train = FashionMnist.load(FashionMnist.Split.TRAIN);
    FashionMnist test = FashionMnist.load(FashionMnist.Split.TEST);
    assertEquals(60000, train.size());
    assertEquals(10000, test.size());
    assertEquals(10, train.numClasses());
    assertEquals(9, train.label(0)); // ankle boot
    assertEquals("Ankle boot", train.classNames().get(train.label(0)));
    assertEquals(0, train.label(1));
    assertEquals(9, test.label(0));
    assertEquals(204, train.rawPixel(0, 5, 15));
    assertEquals(236, train.rawPixel(0, 6, 15));
    assertEquals(0, train.rawPixel(0, 0, 0));
    float sum = 0;
    for (float v : train.image(0).pixels()) {
      sum += v;
    }
    assertEquals(76247 / 255f, sum, 1e-3); // sum of the 784 bytes of image 0
    int[] perClass = new int[10];
    for (int i = 0; i < train.size(); i++) {
      perClass[train.label(i)]++;
    }
    for (int c = 0; c < 10; c++) {
      assertEquals(6000, perClass[c], "class " + c);
    }
    ChannelStats stats = ChannelStats.compute(train, 6000);
    assertEquals(FashionMnist.MEAN, stats.mean()[0], 5e-3);
    assertEquals(FashionMnist.STD, stats.std()[0], 5e-3);
  }
}
