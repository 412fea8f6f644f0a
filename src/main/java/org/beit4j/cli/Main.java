package org.beit4j.cli;

import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import org.beit4j.Beit4j;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.ParameterException;

/**
 * Entry point of {@code bin/beit4j}: one subcommand per stage of the pipeline. Exit codes: 0 done,
 * 1 failed (the message says what and how to fix it), 2 bad usage.
 */
@Command(
    name = "beit4j",
    mixinStandardHelpOptions = true,
    version = "beit4j 0.1.0-SNAPSHOT (DL4J 1.0.0-M2.1)",
    description = {
      "BEiT v2 on Deeplearning4j SameDiff.",
      "Stages: teacher -> tokenizer -> pretrain -> probe; each reads the previous one's output by"
          + " path. demo runs them all; bench measures this host."
    })
public final class Main {

  /** Exit code of a command line picocli could not parse or a stage refused as invalid. */
  public static final int USAGE = 2;

  public static void main(String[] args) {
    Beit4j.init();
    PrintWriter out = new PrintWriter(System.out, true, StandardCharsets.UTF_8);
    PrintWriter err = new PrintWriter(System.err, true, StandardCharsets.UTF_8);
    System.exit(execute(out, err, args));
  }

  /**
   * Runs a command line in this JVM, printing to {@code out} and {@code err}.
   *
   * @return the exit code: 0 done, 1 failed, 2 bad usage
   */
  public static int execute(PrintWriter out, PrintWriter err, String... args) {
    CommandLine cl = commandLine();
    cl.setOut(out);
    cl.setErr(err);
    try {
      ConfigDefaults.install(cl, args);
    } catch (ParameterException e) {
      err.println(e.getMessage());
      err.println("Try 'bin/beit4j " + e.getCommandLine().getCommandName() + " --help'.");
      err.flush();
      return USAGE;
    }
    try {
      return cl.execute(args);
    } catch (Throwable t) { // errors such as OutOfMemoryError pass picocli's handler
      return Failures.report(t, err, subcommand(cl, args));
    }
  }

  /** The command line with every subcommand registered, in the order {@code --help} lists them. */
  public static CommandLine commandLine() {
    CommandLine cl = new CommandLine(new Main());
    cl.addSubcommand(new TeacherCommand());
    cl.addSubcommand(new TokenizerCommand());
    cl.addSubcommand(new PretrainCommand());
    cl.addSubcommand(new ProbeCommand());
    cl.addSubcommand(new ProbeStagesCommand());
    cl.addSubcommand(new DemoCommand());
    cl.addSubcommand(new BenchCommand());
    cl.addSubcommand(new CommandLine.HelpCommand());
    cl.setExecutionExceptionHandler(Failures::handle);
    cl.setCaseInsensitiveEnumValuesAllowed(true);
    return cl;
  }

  private static String subcommand(CommandLine cl, String[] args) {
    for (String a : args) {
      if (cl.getSubcommands().containsKey(a)) {
        return a;
      }
    }
    return "";
  }
}
