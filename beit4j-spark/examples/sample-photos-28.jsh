// Makes runs/photos: 28x28 grey copies of the sample photos (datasets/samples) split into train/ and test/
// (every third crop of a photo held out), the input size of the mnist ViT preset, which bin/beit4j probe
// feeds unresized. Run from the repository root: jshell -R-Djava.awt.headless=true beit4j-spark/examples/sample-photos-28.jsh
import java.awt.image.BufferedImage;
import java.nio.file.*;
import javax.imageio.ImageIO;
var src = Path.of("datasets/samples");
var out = Path.of("runs/photos");
int[] n = {0};
try (var files = Files.walk(src)) {
  for (var f : files.filter(p -> p.toString().endsWith(".png")).sorted().toList()) {
    var split = n[0]++ % 3 == 2 ? "test" : "train";
    var dir = Files.createDirectories(out.resolve(split).resolve(f.getParent().getFileName()));
    var small = new BufferedImage(28, 28, BufferedImage.TYPE_BYTE_GRAY);
    var g = small.createGraphics();
    g.setRenderingHint(java.awt.RenderingHints.KEY_INTERPOLATION, java.awt.RenderingHints.VALUE_INTERPOLATION_BILINEAR);
    g.drawImage(ImageIO.read(f.toFile()), 0, 0, 28, 28, null);
    g.dispose();
    ImageIO.write(small, "png", dir.resolve(f.getFileName()).toFile());
  }
}
/exit
