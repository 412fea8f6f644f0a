package org.beit4j.cli;

import java.nio.file.Path;
import picocli.CommandLine.Option;

/**
 * The {@code --config FILE} option every stage command has. Picocli only lists it here; {@link
 * ConfigDefaults} reads the file before parsing so that its values become the defaults that flags
 * override.
 */
final class ConfigOption {

  /** The option's name. */
  static final String NAME = "--config";

  @Option(
      names = NAME,
      paramLabel = "FILE",
      description =
          "A .properties file of option values, keys = long option names without '--'"
              + " (e.g. steps=300); flags given on the command line override it.")
  Path file;
}
