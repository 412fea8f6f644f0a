package org.beit4j.eval;

import java.util.ArrayList;
import java.util.List;

/** RFC 4180 reading for {@link ResultsTable}: quoted fields may hold commas, quotes, newlines. */
final class ResultsCsv {

  private ResultsCsv() {}

  /** The records of {@code text}, each a list of fields; empty lines are skipped. */
  static List<List<String>> records(String text, String where) {
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
      throw new IllegalArgumentException(where + " ends inside a quoted field");
    }
    if (any || field.length() > 0) {
      record.add(field.toString());
      out.add(record);
    }
    return out;
  }
}
