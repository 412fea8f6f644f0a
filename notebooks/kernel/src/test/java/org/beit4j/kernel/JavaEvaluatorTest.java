package org.beit4j.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.spencerpark.jupyter.kernel.display.DisplayData;
import io.github.spencerpark.jupyter.kernel.display.mime.MIMEType;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Java cells, display, errors and interrupt through the kernel's evaluation API. */
class JavaEvaluatorTest {

  private final List<DisplayData> shown = new ArrayList<>();
  private JavaEvaluator kernel;

  @BeforeEach
  void start() {
    kernel = new JavaEvaluator(shown::add);
  }

  @AfterEach
  void stop() {
    kernel.close();
  }

  static String text(DisplayData data) {
    return (String) data.getData(MIMEType.TEXT_PLAIN);
  }

  static BufferedImage png(DisplayData data) throws IOException {
    Object base64 = data.getData(MIMEType.IMAGE_PNG);
    assertInstanceOf(String.class, base64, "no image/png in " + data.getData(MIMEType.TEXT_PLAIN));
    return ImageIO.read(new ByteArrayInputStream(Base64.getDecoder().decode((String) base64)));
  }

  @Test
  void trailingExpressionIsTheResultAndStateCarriesOver() throws Exception {
    assertNull(kernel.eval("int x = 40;"));
    assertEquals("42", text(kernel.eval("x + 2")));
    assertEquals("[a, b]", text(kernel.eval("List.of(\"a\", \"b\")")), "java.util.* imported");
    assertEquals("hi!", text(kernel.eval("String f(String s) { return s + \"!\"; }\nf(\"hi\")")));
    assertEquals("null", text(kernel.eval("String s = null;\ns")));
  }

  @Test
  void statementsAndDeclarationsShowNothing() throws Exception {
    assertNull(kernel.eval("int y = 3;"));
    assertNull(kernel.eval("void noop() {}\nnoop();"));
    assertNull(kernel.eval("   \n"));
    assertNull(kernel.eval("y + 1;"), "a trailing semicolon hides the value, as in IJava");
    assertEquals("4", text(kernel.eval("y + 1")));
  }

  @Test
  void displayOfAnImageSendsPng() throws Exception {
    assertNull(
        kernel.eval(
            "var img = new java.awt.image.BufferedImage(4, 3,"
                + " java.awt.image.BufferedImage.TYPE_INT_RGB);\n"
                + "img.setRGB(1, 2, 0xff0000);\n"
                + "display(img);"));
    assertEquals(1, shown.size());
    BufferedImage image = png(shown.get(0));
    assertEquals(4, image.getWidth());
    assertEquals(3, image.getHeight());
    assertEquals(0xff0000, image.getRGB(1, 2) & 0xffffff);
    assertEquals("BufferedImage 4x3", text(shown.get(0)));
  }

  @Test
  void anImageAsLastExpressionRendersAsPng() throws Exception {
    DisplayData data = kernel.eval("new java.awt.image.BufferedImage(5, 2, 1)");
    assertEquals(5, png(data).getWidth());
    assertTrue(shown.isEmpty(), "a result is returned, not displayed");
  }

  @Test
  void displayOfTextIsPlainText() throws Exception {
    kernel.eval("display(\"step 1 done\");");
    assertEquals("step 1 done", text(shown.get(0)));
    assertNull(shown.get(0).getData(MIMEType.IMAGE_PNG));
  }

  @Test
  void compileErrorIsReportedAndTheKernelGoesOn() throws Exception {
    kernel.eval("int z = 1;");
    CompilationException e =
        assertThrows(CompilationException.class, () -> kernel.eval("int w = undefinedThing + 1;"));
    assertTrue(e.getMessage().contains("cannot find symbol"), e.getMessage());
    assertTrue(e.traceback().contains("int w = undefinedThing + 1;"), e.traceback().toString());
    assertTrue(e.traceback().contains(" ".repeat(8) + "^".repeat(14)), e.traceback().toString());
    assertEquals("2", text(kernel.eval("z + 1")));
  }

  @Test
  void exceptionIsReportedWithItsClassAndStackAndTheKernelGoesOn() throws Exception {
    kernel.eval("void fail() { throw new IllegalStateException(\"boom\"); }");
    EvaluationException e = assertThrows(EvaluationException.class, () -> kernel.eval("fail();"));
    assertEquals("java.lang.IllegalStateException", e.exceptionClass());
    assertEquals("java.lang.IllegalStateException: boom", e.getMessage());
    assertEquals("java.lang.IllegalStateException: boom", e.traceback().get(0));
    assertTrue(e.traceback().get(1).matches("\tat fail \\(#\\d+:1\\)"), e.traceback().toString());
    assertTrue(e.traceback().get(2).matches("\tat cell \\(#\\d+:1\\)"), e.traceback().toString());
    assertEquals("7", text(kernel.eval("3 + 4")));
  }

  @Test
  void codeAfterAFailingSnippetDoesNotRun() throws Exception {
    kernel.eval("int n = 0;");
    assertThrows(EvaluationException.class, () -> kernel.eval("n = 1;\nint q = 1 / 0;\nn = 2;"));
    assertEquals("1", text(kernel.eval("n")));
  }

  @Test
  void interruptStopsARunawayCellAndKeepsTheState() throws Exception {
    System.clearProperty("kernel.test.spinning");
    kernel.eval("long spins = 0;");
    CompletableFuture<Throwable> cell =
        CompletableFuture.supplyAsync(
            () -> {
              try {
                kernel.eval(
                    "while (true) {\n"
                        + "  if (spins++ == 0) System.setProperty(\"kernel.test.spinning\", \"yes\");\n"
                        + "}");
                return null;
              } catch (Throwable t) {
                return t;
              }
            });
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (System.getProperty("kernel.test.spinning") == null && System.nanoTime() < deadline) {
      Thread.sleep(50); // interrupt only once the loop surely runs
    }
    kernel.interrupt();
    Throwable failure = cell.get(30, TimeUnit.SECONDS);
    assertInstanceOf(EvaluationException.class, failure);
    assertEquals("cell interrupted", failure.getMessage());
    assertEquals("true", text(kernel.eval("spins > 0")));
  }

  @Test
  void interruptWakesASleepingCell() throws Exception {
    CompletableFuture<Throwable> cell =
        CompletableFuture.supplyAsync(
            () -> {
              try {
                kernel.eval("Thread.sleep(60_000);");
                return null;
              } catch (Throwable t) {
                return t;
              }
            });
    Thread.sleep(500);
    kernel.interrupt();
    assertInstanceOf(EvaluationException.class, cell.get(10, TimeUnit.SECONDS));
    assertEquals("ok", text(kernel.eval("\"ok\"")));
  }

  @Test
  void completesNamesAndJudgesCompleteness() throws Exception {
    kernel.eval("int counterOfSteps = 3;");
    int[] anchor = new int[1];
    List<String> options = kernel.complete("counterOf", 9, anchor);
    assertEquals(List.of("counterOfSteps"), options);
    assertEquals(0, anchor[0]);
    assertEquals(
        jdk.jshell.SourceCodeAnalysis.Completeness.DEFINITELY_INCOMPLETE,
        kernel.completeness("for (int i = 0; i < 3; i++) {"));
  }

  @Test
  void threadsStartedByACellDoNotBlockIt() throws Exception {
    // A library starting a worker pool on first use (ND4J does) must not hang the cell.
    kernel.eval(
        "var pool = Executors.newFixedThreadPool(1);\n"
            + "pool.submit(() -> { try { Thread.sleep(60_000); } catch (InterruptedException e) {} });");
    assertEquals("done", text(kernel.eval("\"done\"")));
    kernel.eval("pool.shutdownNow();");
  }

  @Test
  void cellThreadSeesTheCellClassLoaderAsContextLoader() throws Exception {
    // ServiceLoader-based discovery (ND4J backends) uses the context class loader.
    assertEquals(
        "true",
        text(
            kernel.eval(
                "class Probe {}\n"
                    + "Thread.currentThread().getContextClassLoader() =="
                    + " Probe.class.getClassLoader()")));
  }
}
