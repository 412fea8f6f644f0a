package org.beit4j.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.google.gson.Gson;
import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * End to end: Debian's {@code /usr/bin/jupyter nbconvert --execute} runs notebooks on this kernel
 * (started from the test class path under a temporary kernelspec), as {@code bin/run-notebooks}
 * does with the installed one.
 */
class KernelNotebookTest {

  static final Path JUPYTER = Path.of("/usr/bin/jupyter");
  static final String KERNEL = "java-under-test";

  @TempDir static Path jupyterPath;
  @TempDir Path work;

  @BeforeAll
  static void writeKernelspec() throws Exception {
    if (!Files.isExecutable(JUPYTER)) {
      fail("/usr/bin/jupyter is missing: run bin/install-notebooks (installs Debian's Jupyter)");
    }
    List<String> classpath = new ArrayList<>();
    for (String type :
        List.of(
            "org.beit4j.kernel.KernelMain",
            "io.github.spencerpark.jupyter.kernel.BaseKernel",
            "com.google.gson.Gson",
            "org.zeromq.ZMQ",
            "com.neilalexander.jnacl.NaCl")) {
      Class<?> c = Class.forName(type);
      classpath.add(
          Path.of(c.getProtectionDomain().getCodeSource().getLocation().toURI()).toString());
    }
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    Map<String, Object> spec =
        Map.of(
            "argv",
            List.of(
                java,
                "-Djava.awt.headless=true",
                "-cp",
                String.join(File.pathSeparator, classpath),
                "org.beit4j.kernel.KernelMain",
                "{connection_file}"),
            "display_name",
            "Java (beit4j, test)",
            "language",
            "java",
            "interrupt_mode",
            "message");
    Path dir = Files.createDirectories(jupyterPath.resolve("kernels").resolve(KERNEL));
    Files.writeString(dir.resolve("kernel.json"), new Gson().toJson(spec));
  }

  /** Runs nbconvert on {@code notebook}; returns its exit code, output in {@code log}. */
  private int execute(Path notebook, Path executed, boolean allowErrors, StringBuilder log)
      throws IOException, InterruptedException {
    List<String> cmd =
        new ArrayList<>(
            List.of(
                JUPYTER.toString(),
                "nbconvert",
                "--to",
                "notebook",
                "--execute",
                "--ExecutePreprocessor.timeout=300",
                "--ExecutePreprocessor.kernel_name=" + KERNEL,
                "--output-dir",
                executed.getParent().toString(),
                "--output",
                executed.getFileName().toString()));
    if (allowErrors) {
      cmd.add("--allow-errors");
    }
    cmd.add(notebook.toString());
    ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
    pb.environment().put("JUPYTER_PATH", jupyterPath.toString());
    pb.environment().put("MAX_STEPS", "3");
    Process p = pb.start();
    log.append(new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8));
    assertTrue(p.waitFor(10, TimeUnit.MINUTES), "nbconvert did not finish");
    return p.exitValue();
  }

  private static List<JsonObject> outputs(Path executed, int cell) throws IOException {
    JsonObject nb = new Gson().fromJson(Files.readString(executed), JsonObject.class);
    JsonArray outs =
        nb.getAsJsonArray("cells").get(cell).getAsJsonObject().getAsJsonArray("outputs");
    List<JsonObject> list = new ArrayList<>();
    outs.forEach(o -> list.add(o.getAsJsonObject()));
    return list;
  }

  private static String joined(JsonElement textOrLines) {
    if (textOrLines.isJsonArray()) {
      StringBuilder s = new StringBuilder();
      textOrLines.getAsJsonArray().forEach(e -> s.append(e.getAsString()));
      return s.toString();
    }
    return textOrLines.getAsString();
  }

  private static String data(JsonObject output, String mime) {
    JsonElement d = output.getAsJsonObject("data").get(mime);
    return d == null ? null : joined(d);
  }

  @Test
  void smokeNotebookRunsWithMagicsTextImagesAndCharts() throws Exception {
    Path notebook = Path.of("src/test/notebooks/kernel-smoke.ipynb").toAbsolutePath();
    Path executed = work.resolve("smoke-out.ipynb");
    StringBuilder log = new StringBuilder();
    assertEquals(0, execute(notebook, executed, false, log), log.toString());

    assertTrue(outputs(executed, 1).isEmpty(), "%maven prints nothing");
    assertEquals("42", data(outputs(executed, 2).get(0), "text/plain"), "MAX_STEPS=3 read");
    JsonObject printed = outputs(executed, 3).get(0);
    assertEquals("stream", printed.get("output_type").getAsString());
    assertEquals("hello from JShell\n", joined(printed.get("text")));
    JsonObject image = outputs(executed, 4).get(0);
    assertEquals("display_data", image.get("output_type").getAsString());
    assertTrue(data(image, "image/png").startsWith("iVBORw0KGgo"), "PNG signature in base64");
    JsonObject chart = outputs(executed, 5).get(0);
    assertEquals("execute_result", chart.get("output_type").getAsString());
    assertTrue(data(chart, "image/png").startsWith("iVBORw0KGgo"));
    assertEquals("[a, b]", data(outputs(executed, 6).get(0), "text/plain"));
  }

  @Test
  void errorsAreJupyterErrorsAndTheKernelKeepsRunning() throws Exception {
    Path notebook = work.resolve("errors.ipynb");
    Files.writeString(
        notebook,
        notebookJson(
            "int a = 1;",
            "int b = undefinedThing + a;",
            "throw new IllegalStateException(\"boom\");",
            "\"alive \" + a"));
    Path executed = work.resolve("errors-out.ipynb");
    StringBuilder log = new StringBuilder();
    assertEquals(0, execute(notebook, executed, true, log), log.toString());
    JsonObject compile = outputs(executed, 1).get(0);
    assertEquals("error", compile.get("output_type").getAsString());
    assertEquals("CompilationException", compile.get("ename").getAsString());
    assertTrue(compile.get("evalue").getAsString().contains("cannot find symbol"));
    JsonObject thrown = outputs(executed, 2).get(0);
    assertEquals("EvaluationException", thrown.get("ename").getAsString());
    assertEquals("java.lang.IllegalStateException: boom", thrown.get("evalue").getAsString());
    assertEquals("alive 1", data(outputs(executed, 3).get(0), "text/plain"));

    StringBuilder strictLog = new StringBuilder();
    int strict = execute(notebook, work.resolve("strict-out.ipynb"), false, strictLog);
    assertNotEquals(0, strict, "without --allow-errors an error fails the run");
    assertTrue(strictLog.toString().contains("cannot find symbol"), strictLog.toString());
    // the reply's traceback is the cell's (caret under the culprit), not the kernel's Java stack
    assertTrue(
        strictLog.toString().contains("\n" + " ".repeat(8) + "^".repeat(14) + "\n"),
        strictLog.toString());
    assertTrue(
        !strictLog.toString().contains("BaseKernel.handleExecuteRequest"), strictLog.toString());
  }

  @Test
  void interruptRequestStopsTheRunningCellAndTheKernelGoesOn() throws Exception {
    ProcessBuilder pb =
        new ProcessBuilder(
                "/usr/bin/python3",
                Path.of("src/test/python/interrupt_check.py").toAbsolutePath().toString(),
                KERNEL)
            .redirectErrorStream(true);
    pb.environment().put("JUPYTER_PATH", jupyterPath.toString());
    pb.environment().put("PYDEVD_DISABLE_FILE_VALIDATION", "1");
    Process p = pb.start();
    String log = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(p.waitFor(5, TimeUnit.MINUTES), "interrupt check did not finish");
    assertEquals(0, p.exitValue(), log);
    assertTrue(log.contains("interrupt: ok"), log);
  }

  private static String notebookJson(String... cells) {
    JsonArray list = new JsonArray();
    for (int i = 0; i < cells.length; i++) {
      JsonObject cell = new JsonObject();
      cell.addProperty("cell_type", "code");
      cell.addProperty("id", "c" + i);
      cell.add("execution_count", null);
      cell.add("metadata", new JsonObject());
      cell.add("outputs", new JsonArray());
      cell.addProperty("source", cells[i]);
      list.add(cell);
    }
    JsonObject spec = new JsonObject();
    spec.addProperty("name", "java");
    spec.addProperty("display_name", "Java (beit4j)");
    spec.addProperty("language", "java");
    JsonObject meta = new JsonObject();
    meta.add("kernelspec", spec);
    JsonObject nb = new JsonObject();
    nb.add("cells", list);
    nb.add("metadata", meta);
    nb.addProperty("nbformat", 4);
    nb.addProperty("nbformat_minor", 5);
    return nb.toString();
  }
}
