package org.beit4j.kernel;

import io.github.spencerpark.jupyter.kernel.BaseKernel;
import io.github.spencerpark.jupyter.kernel.LanguageInfo;
import io.github.spencerpark.jupyter.kernel.ReplacementOptions;
import io.github.spencerpark.jupyter.kernel.display.DisplayData;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;

/** The Jupyter side of the kernel: execute, complete, interrupt, shutdown and error formatting. */
final class JavaKernel extends BaseKernel {

  private static final String RED = "\u001B[1;31m";
  private static final String RESET = "\u001B[0m";

  private final JavaEvaluator evaluator;
  private final LanguageInfo languageInfo;

  JavaKernel() {
    this.evaluator =
        new JavaEvaluator(
            this::display,
            new DisplayRenderer(getRenderer()),
            new MavenResolver(),
            java.nio.file.Path.of("").toAbsolutePath());
    this.languageInfo =
        new LanguageInfo.Builder("Java")
            .version(Runtime.version().toString())
            .mimetype("text/x-java-source")
            .fileExtension(".jshell")
            .pygments("java")
            .codemirror("java")
            .build();
  }

  @Override
  public DisplayData eval(String code) throws Exception {
    PrintStream cellOut = System.out; // set by BaseKernel for this cell, restored by it afterwards
    System.setOut(new ChatterFilter(cellOut));
    try {
      return evaluator.eval(code);
    } finally {
      System.setOut(cellOut);
    }
  }

  @Override
  public LanguageInfo getLanguageInfo() {
    return languageInfo;
  }

  @Override
  public String getBanner() {
    return "Java " + Runtime.version() + " (beit4j kernel, JShell)";
  }

  @Override
  public ReplacementOptions complete(String code, int at) {
    int[] anchor = new int[1];
    List<String> options = evaluator.complete(code, at, anchor);
    return options.isEmpty() ? null : new ReplacementOptions(options, anchor[0], at);
  }

  @Override
  public String isComplete(String code) {
    return switch (evaluator.completeness(code)) {
      case COMPLETE, COMPLETE_WITH_SEMI, EMPTY -> IS_COMPLETE_YES;
      case DEFINITELY_INCOMPLETE, CONSIDERED_INCOMPLETE -> "    ";
      default -> IS_COMPLETE_BAD;
    };
  }

  @Override
  public void interrupt() {
    evaluator.interrupt();
  }

  @Override
  public void onShutdown(boolean isRestarting) {
    evaluator.close();
  }

  @Override
  public List<String> formatError(Exception e) {
    if (!(e instanceof KernelException kernelError)) {
      return super.formatError(e);
    }
    List<String> lines = new ArrayList<>();
    String ename = e.getClass().getSimpleName();
    lines.add(RED + ename + RESET + ": " + e.getMessage());
    lines.addAll(kernelError.traceback());
    return lines;
  }
}
