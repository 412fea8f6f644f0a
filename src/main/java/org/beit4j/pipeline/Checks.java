package org.beit4j.pipeline;

import java.util.List;

/** Validation helpers for the stages' option records; messages name the field and the value. */
final class Checks {

  private Checks() {}

  static void check(String field, String value, List<String> allowed) {
    if (value == null || !allowed.contains(value)) {
      throw new IllegalArgumentException(field + " must be one of " + allowed + ", got " + value);
    }
  }

  static void notBlank(String field, String value) {
    if (value == null || value.isBlank()) {
      throw new IllegalArgumentException(field + " must be given, got '" + value + "'");
    }
  }

  static void notNull(String field, Object value) {
    if (value == null) {
      throw new IllegalArgumentException(field + " must be given, got null");
    }
  }

  static void nonNegative(String field, long value) {
    if (value < 0) {
      throw new IllegalArgumentException(field + " must be >= 0 (0 = default), got " + value);
    }
  }
}
