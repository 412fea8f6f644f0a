package org.beit4j.kernel;

import static org.beit4j.kernel.JavaEvaluatorTest.png;
import static org.beit4j.kernel.JavaEvaluatorTest.text;
import static org.beit4j.kernel.TestArtifacts.GROUP;
import static org.beit4j.kernel.TestArtifacts.assertContainsJar;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.spencerpark.jupyter.kernel.display.DisplayData;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * IJava's magics with IJava's syntax, through the kernel's evaluation API (Maven is the real mvn).
 */
class MagicsTest {

  @TempDir Path tmp;
  private final List<DisplayData> shown = new ArrayList<>();
  private JavaEvaluator kernel;

  @BeforeEach
  void start() {
    kernel = new JavaEvaluator(shown::add, new DisplayRenderer(), new MavenResolver(), tmp);
  }

  @AfterEach
  void stop() {
    kernel.close();
  }

  @AfterAll
  static void cleanM2() throws Exception {
    TestArtifacts.forgetCachedTestArtifacts();
  }

  /** A version no earlier run can have cached in ~/.m2, so the test repository must be used. */
  private static String freshVersion() {
    return "1." + System.nanoTime();
  }

  @Test
  void jarsAddsJarsMatchingAGlobRelativeToTheWorkingDirectory() throws Exception {
    Path classes = TestArtifacts.compileGreeter(tmp.resolve("a"), "demo.jars", "hello from a jar");
    TestArtifacts.jar(classes, tmp.resolve("lib/greeter.jar"));
    Files.writeString(tmp.resolve("lib/notes.txt"), "not a jar");
    DisplayData out = kernel.eval("%jars lib/*\nnew demo.jars.Greeter().hi()");
    assertEquals("hello from a jar", text(out));
    assertEquals(1, kernel.classpath().stream().filter(p -> p.contains("lib")).count());
  }

  @Test
  void globsDescendWithDoubleStarAndTakePlainPaths() throws Exception {
    Files.createDirectories(tmp.resolve("deep/a/b"));
    Files.writeString(tmp.resolve("deep/a/b/x.jar"), "");
    Files.writeString(tmp.resolve("deep/y.jar"), "");
    Files.writeString(tmp.resolve("deep/z.txt"), "");
    Magics magics = new Magics(new MavenResolver(), p -> {}, tmp);
    assertEquals(
        List.of(tmp.resolve("deep/a/b/x.jar"), tmp.resolve("deep/y.jar")),
        magics.glob("deep/**.jar"));
    assertEquals(List.of(tmp.resolve("deep/y.jar")), magics.glob("deep/*.jar"));
    assertEquals(List.of(tmp.resolve("deep/z.txt")), magics.glob("deep/z.txt"));
    assertEquals(List.of(), magics.glob("deep/missing.jar"));
  }

  @Test
  void jarsFailsWhenNothingMatches() {
    KernelException e =
        assertThrows(KernelException.class, () -> kernel.eval("%jars nothing/*.jar"));
    assertEquals("%jars: nothing matches nothing/*.jar", e.getMessage());
  }

  @Test
  void classpathAddsAClassDirectory() throws Exception {
    Path classes = TestArtifacts.compileGreeter(tmp.resolve("b"), "demo.cp", "hello from classes");
    kernel.eval("%classpath " + classes);
    assertEquals("hello from classes", text(kernel.eval("new demo.cp.Greeter().hi()")));
  }

  @Test
  void mavenRepoAndMavenResolveFromAnExtraRepository() throws Exception {
    String version = freshVersion();
    Path repo = tmp.resolve("repo");
    TestArtifacts.deploy(repo, tmp.resolve("work"), "greeter", version, "demo.mvn", "from maven");
    KernelException withoutRepo =
        assertThrows(
            KernelException.class, () -> kernel.eval("%maven " + GROUP + ":greeter:" + version));
    assertTrue(
        withoutRepo.traceback().stream().anyMatch(l -> l.contains("greeter")),
        withoutRepo.traceback().toString());
    DisplayData out =
        kernel.eval(
            "%mavenRepo testrepo "
                + repo.toUri()
                + "\n%maven "
                + GROUP
                + ":greeter:"
                + version
                + "\nnew demo.mvn.Greeter().hi()");
    assertEquals("from maven", text(out));
    assertContainsJar(kernel.classpath(), "greeter-" + version + ".jar");
  }

  @Test
  void loadFromPomCellMagicTakesAFragmentWithRepositoriesAndDependencies() throws Exception {
    String version = freshVersion();
    Path repo = tmp.resolve("repo");
    TestArtifacts.deploy(repo, tmp.resolve("work"), "pomgreeter", version, "demo.pom", "from pom");
    String cell =
        "%%loadFromPOM\n"
            + "<repositories><repository><id>testrepo</id><url>"
            + repo.toUri()
            + "</url></repository></repositories>\n"
            + "<dependency><groupId>"
            + GROUP
            + "</groupId><artifactId>pomgreeter</artifactId><version>"
            + version
            + "</version></dependency>\n";
    assertEquals(null, kernel.eval(cell));
    assertEquals("from pom", text(kernel.eval("new demo.pom.Greeter().hi()")));
  }

  @Test
  void loadFromPomLineMagicReadsAPomFile() throws Exception {
    String version = freshVersion();
    Path repo = tmp.resolve("repo");
    TestArtifacts.deploy(
        repo, tmp.resolve("work"), "filegreeter", version, "demo.file", "from file");
    Files.writeString(
        tmp.resolve("deps.xml"),
        "<dependencies><dependency><groupId>"
            + GROUP
            + "</groupId><artifactId>filegreeter</artifactId><version>"
            + version
            + "</version></dependency></dependencies>"
            + "<repositories><repository><id>t</id><url>"
            + repo.toUri()
            + "</url></repository></repositories>");
    kernel.eval("%loadFromPOM deps.xml");
    assertEquals("from file", text(kernel.eval("new demo.file.Greeter().hi()")));
  }

  @Test
  void mavenLoadsXChartAndAChartRendersAsPng() throws Exception {
    String xchart = "org.knowm.xchart:xchart:" + System.getProperty("xchart.version", "3.8.8");
    DisplayData out =
        kernel.eval(
            "%maven "
                + xchart
                + "\n"
                + "var chart = new org.knowm.xchart.XYChartBuilder().width(120).height(80).build();\n"
                + "chart.addSeries(\"loss\", new double[] {1, 2, 3}, new double[] {3, 2, 1});\n"
                + "chart");
    BufferedImage image = png(out);
    assertEquals(120, image.getWidth());
    assertEquals(80, image.getHeight());
    assertEquals("XYChart 120x80", text(out));
    kernel.eval("display(chart);");
    assertEquals(120, png(shown.get(0)).getWidth());
  }

  @Test
  void undefinedMagicsAreErrors() {
    KernelException line = assertThrows(KernelException.class, () -> kernel.eval("%nope x"));
    assertEquals("Undefined line magic %nope", line.getMessage());
    KernelException cell = assertThrows(KernelException.class, () -> kernel.eval("%%nope\nbody"));
    assertEquals("Undefined cell magic %%nope", cell.getMessage());
  }

  @Test
  void badCoordinateIsAnErrorNamingIt() {
    KernelException e = assertThrows(KernelException.class, () -> kernel.eval("%maven a:b"));
    assertTrue(e.getMessage().contains("'a:b'"), e.getMessage());
  }

  @Test
  void magicsAndCodeRunInCellOrder() throws Exception {
    Path classes = TestArtifacts.compileGreeter(tmp.resolve("c"), "demo.order", "ordered");
    DisplayData out = kernel.eval("int k = 1;\n%classpath " + classes + "\nk = k + 1;\nk");
    assertEquals("2", text(out));
    assertEquals("ordered", text(kernel.eval("new demo.order.Greeter().hi()")));
  }
}
