package org.beit4j.cli;

import org.beit4j.Beit4j;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** Entry point of {@code bin/beit4j}: one subcommand per stage of the pipeline. */
@Command(
    name = "beit4j",
    mixinStandardHelpOptions = true,
    version = "beit4j 0.1.0-SNAPSHOT (DL4J 1.0.0-M2.1)",
    description = "BEiT v2 on Deeplearning4j SameDiff.",
    subcommands = {BenchCommand.class, CommandLine.HelpCommand.class})
public final class Main {

  public static void main(String[] args) {
    Beit4j.init();
    int code = new CommandLine(new Main()).execute(args);
    System.exit(code);
  }
}
