package org.beit4j.spark;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import javax.imageio.ImageIO;
import org.apache.spark.SparkConf;
import org.apache.spark.api.java.JavaSparkContext;

/**
 * What the module's tests share: one {@code local[2]} Spark context for the whole test JVM
 * (starting one costs seconds; it stops when the JVM exits) and the stripe images they train on.
 */
final class LocalSpark {

  private static JavaSparkContext sc;

  private LocalSpark() {}

  /** The shared {@code local[2]} context. */
  static synchronized JavaSparkContext context() {
    if (sc == null) {
      sc =
          new JavaSparkContext(
              new SparkConf()
                  .setMaster("local[2]")
                  .setAppName("beit4j-spark-test")
                  .set("spark.ui.enabled", "false")
                  .set("spark.driver.host", "127.0.0.1"));
      JavaSparkContext started = sc;
      Runtime.getRuntime().addShutdownHook(new Thread(started::stop));
    }
    return sc;
  }

  /**
   * Two classes of 6 stripe images 28x28 (horizontal, vertical; periods 2-4) with noise, as grey
   * PNGs in {@code train/class0} and {@code train/class1}.
   */
  static void writeImages(Path train) throws IOException {
    Random r = new Random(5);
    for (int c = 0; c < 2; c++) {
      Path dir = Files.createDirectories(train.resolve("class" + c));
      for (int i = 0; i < 6; i++) {
        BufferedImage img = new BufferedImage(28, 28, BufferedImage.TYPE_BYTE_GRAY);
        int period = 2 + i % 3;
        for (int y = 0; y < 28; y++) {
          for (int x = 0; x < 28; x++) {
            boolean on = ((c == 0 ? y : x) / period) % 2 == 0;
            int v = (on ? 200 : 50) + r.nextInt(30);
            img.getRaster().setSample(x, y, 0, v);
          }
        }
        ImageIO.write(img, "png", dir.resolve("img" + i + ".png").toFile());
      }
    }
  }
}
