package org.beit4j.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.dataset.api.MultiDataSet;

class ImageFolderTest {

  @TempDir Path root;

  private static BufferedImage rgb(int w, int h, int argb) {
    BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
    for (int y = 0; y < h; y++) {
      for (int x = 0; x < w; x++) {
        img.setRGB(x, y, x == 0 && y == 0 ? 0x0a141e : argb);
      }
    }
    return img;
  }

  private static BufferedImage grey(int w, int h, int level) {
    BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_BYTE_GRAY);
    img.getRaster().setSample(0, 0, 0, level);
    img.getRaster().setSample(w - 1, h - 1, 0, 255 - level);
    return img;
  }

  /** cats: 2 PNG + 1 JPEG, dogs: 1 grey PNG + 1 broken PNG + 1 truncated JPEG. */
  private void makeTree() throws IOException {
    Path cats = Files.createDirectories(root.resolve("cats"));
    Path dogs = Files.createDirectories(root.resolve("dogs"));
    Files.createDirectories(root.resolve("empty"));
    ImageIO.write(rgb(7, 5, 0xc86432), "png", cats.resolve("a.png").toFile());
    ImageIO.write(rgb(12, 9, 0x204060), "png", cats.resolve("b.PNG").toFile());
    ImageIO.write(rgb(16, 16, 0x808080), "jpg", cats.resolve("c.jpg").toFile());
    ImageIO.write(grey(6, 4, 40), "png", dogs.resolve("g.png").toFile());
    Files.writeString(dogs.resolve("broken.png"), "this is not a png");
    Path full = dogs.resolve("tmp.jpg");
    ImageIO.write(rgb(32, 32, 0x336699), "jpg", full.toFile());
    byte[] bytes = Files.readAllBytes(full);
    Files.write(dogs.resolve("truncated.jpg"), Arrays.copyOf(bytes, bytes.length / 2));
    Files.delete(full);
    Files.writeString(dogs.resolve("notes.txt"), "ignored");
  }

  @Test
  void scansClassesAndDecodesPngJpegRgbAndGrey() throws IOException {
    makeTree();
    ImageFolder f = ImageFolder.open(root, 3);
    assertEquals(List.of("cats", "dogs"), f.classNames());
    assertEquals(6, f.size());
    assertEquals(0, f.label(2));
    assertEquals(1, f.label(3));

    Image a = f.image(0); // cats/a.png, 7x5, pixel (0,0) = rgb(10, 20, 30), rest rgb(200,100,50)
    assertEquals(3, a.channels());
    assertEquals(5, a.height());
    assertEquals(7, a.width());
    assertEquals(10 / 255f, a.get(0, 0, 0), 1e-6);
    assertEquals(20 / 255f, a.get(1, 0, 0), 1e-6);
    assertEquals(30 / 255f, a.get(2, 0, 0), 1e-6);
    assertEquals(200 / 255f, a.get(0, 4, 6), 1e-6);
    assertEquals(100 / 255f, a.get(1, 4, 6), 1e-6);
    assertEquals(50 / 255f, a.get(2, 4, 6), 1e-6);

    Image jpeg = f.image(2); // lossy: grey 128 within a few levels
    assertEquals(16, jpeg.height());
    assertEquals(128 / 255f, jpeg.get(1, 8, 8), 4 / 255f);

    Image g = f.image(4); // dogs/g.png grey, order: broken.png, g.png, truncated.jpg
    assertEquals(f.file(4).getFileName().toString(), "g.png");
    assertEquals(40 / 255f, g.get(0, 0, 0), 1e-6);
    assertEquals(40 / 255f, g.get(2, 0, 0), 1e-6);
    assertEquals(215 / 255f, g.get(1, 3, 5), 1e-6);

    Image g1 = ImageFolder.open(root, 1).image(4);
    assertEquals(1, g1.channels());
    assertEquals(40 / 255f, g1.get(0, 0, 0), 1e-6);
    Image a1 = ImageFolder.open(root, 1).image(0);
    assertEquals((0.299f * 200 + 0.587f * 100 + 0.114f * 50) / 255f, a1.get(0, 1, 1), 1e-5);
  }

  @Test
  void unreadableImagesNameTheirPath() throws IOException {
    makeTree();
    ImageFolder f = ImageFolder.open(root, 3);
    DatasetException broken = assertThrows(DatasetException.class, () -> f.image(3));
    assertTrue(broken.getMessage().startsWith(root.resolve("dogs/broken.png").toString()));
    DatasetException cut = assertThrows(DatasetException.class, () -> f.image(5));
    assertTrue(
        cut.getMessage().startsWith(root.resolve("dogs/truncated.jpg") + ": truncated JPEG"));
  }

  @Test
  void failPolicyStopsWithThePath() throws IOException {
    makeTree();
    ImageBatchIterator it =
        ImageBatchIterator.of(
            ImageFolder.open(root, 3),
            TransformConfig.plain(8, 3),
            LoaderConfig.of(6).withShuffle(false));
    DatasetException e = assertThrows(DatasetException.class, it::next);
    assertTrue(e.getMessage().contains("broken.png"), e.getMessage());
  }

  @Test
  void skipPolicyCountsAndFillsBatches() throws IOException {
    makeTree();
    ImageBatchIterator it =
        ImageBatchIterator.of(
            ImageFolder.open(root, 3),
            TransformConfig.plain(8, 3),
            LoaderConfig.of(3).withBadImagePolicy(BadImagePolicy.SKIP));
    int images = 0;
    int batches = 0;
    while (it.hasNext()) {
      MultiDataSet b = it.next();
      images += (int) b.getFeatures(0).size(0);
      assertEquals(8, b.getFeatures(0).size(3));
      batches++;
    }
    assertEquals(4, images);
    assertEquals(2, batches); // 3 good images, then the last good one
    assertEquals(2, it.skipped());
    assertEquals(2, it.skippedMessages().size());
    assertTrue(String.join("\n", it.skippedMessages()).contains("truncated.jpg"));
  }

  @Test
  void missingOrEmptyRootIsReported() throws IOException {
    DatasetException e =
        assertThrows(DatasetException.class, () -> ImageFolder.open(root.resolve("x"), 3));
    assertTrue(e.getMessage().contains("not a directory"));
    Files.createDirectories(root.resolve("only-empty/a"));
    e = assertThrows(DatasetException.class, () -> ImageFolder.open(root.resolve("only-empty"), 3));
    assertTrue(e.getMessage().contains("no images found"));
  }

  @Test
  void samplePhotosAreSixClassesOf64PixelCrops() {
    ImageFolder s = SamplePhotos.open();
    assertEquals(
        List.of("astronaut", "camera", "chelsea", "coffee", "hubble", "rocket"), s.classNames());
    assertEquals(72, s.size());
    for (int i = 0; i < s.size(); i += 7) {
      Image img = s.image(i);
      assertEquals(3, img.channels());
      assertEquals(64, img.height());
      assertEquals(64, img.width());
      for (float v : img.pixels()) {
        assertTrue(v >= 0 && v <= 1);
      }
    }
  }
}
