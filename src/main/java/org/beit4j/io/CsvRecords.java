package org.beit4j.io;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * RFC 4180 reading of the CSV files beit4j writes ({@link MetricsCsv}, results tables): quoted
 * fields may hold commas, quotes and newlines.
 */
public final class CsvRecords {

  private CsvRecords() {}

  /**
   * The whole UTF-8 text of a CSV file, refused when its last record has no line end (a file cut
   * short by a crash or a copy).
   *
   * @throws IOException if {@code file} cannot be read or is truncated
   */
  public static String readComplete(Path file) throws IOException {
    String text = Files.readString(file, StandardCharsets.UTF_8);
    if (!text.isEmpty() && !text.endsWith("\n")) {
      throw new IOException(file + " is truncated: its last record has no line end");
    }
    return text;
  }

  /**
   * The records of {@code text}, each a list of fields; empty lines are skipped.
   *
   * @param where names the text in errors, e.g. {@code file:line}
   * @throws IllegalArgumentException if the text ends inside a quoted field
   */
  public static List<List<String>> parse(String text, String where) {
    List<List<String>> out = new ArrayList<>();
    List<String> record = new ArrayList<>();
    StringBuilder field = new StringBuilder();
    boolean quoted = false;
    boolean any = false;
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (quoted) {
        if (c == '"' && i + 1 < text.length() && text.charAt(i + 1) == '"') {
          field.append('"');
          i++;
        } else if (c == '"') {
          quoted = false;
        } else {
          field.append(c);
        }
      } else if (c == '"') {
        quoted = true;
        any = true;
      } else if (c == ',') {
        record.add(field.toString());
        field.setLength(0);
        any = true;
      } else if (c == '\n' || c == '\r') {
        if (c == '\r' && i + 1 < text.length() && text.charAt(i + 1) == '\n') {
          i++;
        }
        if (any || field.length() > 0) {
          record.add(field.toString());
          out.add(record);
        }
        record = new ArrayList<>();
        field.setLength(0);
        any = false;
      } else {
        field.append(c);
        any = true;
      }
    }
    if (quoted) {
      throw new IllegalArgumentException(where + ": unclosed quote (the text ends inside a field)");
    }
    if (any || field.length() > 0) {
      record.add(field.toString());
      out.add(record);
    }
    return out;
  }
}
