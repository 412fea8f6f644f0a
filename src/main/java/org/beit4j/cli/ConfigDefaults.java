package org.beit4j.cli;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeSet;
import picocli.CommandLine;
import picocli.CommandLine.IDefaultValueProvider;
import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.ParameterException;

/**
 * Option defaults from a {@code --config} file: {@code key=value} lines whose keys are a command's
 * long option names without the dashes ({@code steps=300}, {@code cls-head=false}). Picocli prefers
 * a default provider's value to the annotated default, and a flag on the command line to both,
 * which gives the precedence flag &gt; file &gt; built-in default.
 */
final class ConfigDefaults implements IDefaultValueProvider {

  private final Map<String, String> values;

  private ConfigDefaults(Map<String, String> values) {
    this.values = values;
  }

  @Override
  public String defaultValue(ArgSpec arg) {
    if (arg instanceof OptionSpec o) {
      return values.get(key(o.longestName()));
    }
    return null;
  }

  /**
   * Finds the subcommand and its {@code --config FILE} in {@code args} and, if there is one,
   * installs the file's values as that subcommand's defaults.
   *
   * @throws ParameterException if the file is missing or unreadable or has a key that is not an
   *     option of the subcommand (naming the key and the valid ones)
   */
  static void install(CommandLine root, String[] args) {
    CommandLine sub = null;
    for (int i = 0; i < args.length; i++) {
      if (sub == null) {
        sub = root.getSubcommands().get(args[i]);
        continue;
      }
      String file = null;
      if (args[i].equals(ConfigOption.NAME) && i + 1 < args.length) {
        file = args[i + 1];
      } else if (args[i].startsWith(ConfigOption.NAME + "=")) {
        file = args[i].substring(ConfigOption.NAME.length() + 1);
      }
      if (file != null) {
        sub.setDefaultValueProvider(new ConfigDefaults(read(sub, Path.of(file))));
        return;
      }
    }
  }

  private static Map<String, String> read(CommandLine cmd, Path file) {
    Properties p = new Properties();
    try (Reader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      p.load(r);
    } catch (IOException e) {
      throw new ParameterException(
          cmd, "cannot read the config file " + file + " (--config): " + e, e);
    }
    Map<String, OptionSpec> options = new LinkedHashMap<>();
    for (OptionSpec o : cmd.getCommandSpec().options()) {
      options.put(key(o.longestName()), o);
    }
    Map<String, String> values = new LinkedHashMap<>();
    List<String> unknown = new ArrayList<>();
    for (String name : new TreeSet<>(p.stringPropertyNames())) {
      String k = key(name);
      if (!options.containsKey(k) || k.equals("config") || k.equals("help")) {
        unknown.add(name);
      } else {
        values.put(k, p.getProperty(name).trim());
      }
    }
    if (!unknown.isEmpty()) {
      options.keySet().removeIf(k -> k.equals("config") || k.equals("help") || k.equals("version"));
      throw new ParameterException(
          cmd,
          "the config file "
              + file
              + " has keys that are not options of '"
              + cmd.getCommandName()
              + "': "
              + unknown
              + "; valid keys are "
              + options.keySet());
    }
    return values;
  }

  private static String key(String optionName) {
    String k = optionName.startsWith("--") ? optionName.substring(2) : optionName;
    return k.startsWith("no-") ? k.substring(3) : k;
  }
}
