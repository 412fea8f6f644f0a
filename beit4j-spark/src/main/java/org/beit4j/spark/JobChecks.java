package org.beit4j.spark;

/** The checks the job records share; messages name the field and the value. */
final class JobChecks {

  private JobChecks() {}

  /**
   * Each {@code {name, value}} must name a path or URI.
   *
   * @throws IllegalArgumentException naming the first that is null or blank
   */
  static void paths(String[]... fields) {
    for (String[] f : fields) {
      if (f[1] == null || f[1].isBlank()) {
        throw new IllegalArgumentException(
            f[0] + " must name a path or URI but was '" + f[1] + "'");
      }
    }
  }

  /** {@code workers} tasks must each get at least one of the {@code batchSize} images. */
  static void workers(int workers, int batchSize) {
    if (workers < 1 || workers > batchSize) {
      throw new IllegalArgumentException(
          "workers must be in [1, batchSize = " + batchSize + "] but was " + workers);
    }
  }

  /** {@code value} of field {@code name} must be at least {@code min}. */
  static void atLeast(String name, long value, long min) {
    if (value < min) {
      throw new IllegalArgumentException(name + " must be >= " + min + " but was " + value);
    }
  }
}
