package org.beit4j;

import java.io.PrintStream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Process-wide settings beit4j needs before any SameDiff graph runs.
 *
 * <p>SameDiff 1.0.0-M2.1 reuses op output arrays through {@code ArrayCacheMemoryMgr}. On the CPU
 * backend that cache hands out arrays that are still in use: after the first {@code output} or
 * gradient call some ops read zeros, finite-difference checks fail and training diverges. The cache
 * is read from the system property {@value #ARRAY_CACHE_PROPERTY} each time a session is created,
 * so switching it off here, before beit4j builds its first graph, is enough.
 *
 * <p>Every beit4j class that builds or runs a graph calls {@link #init()} first. A user who sets
 * the property to {@code true} explicitly gets an {@link IllegalStateException} that says how to
 * fix it, rather than silently wrong numbers. It also filters SameDiff's unconditional "Added
 * differentiated op" console lines (see {@link GradientChatterFilter}).
 */
public final class Beit4j {

  /** The ND4J system property that switches SameDiff's array cache ("false" = off). */
  public static final String ARRAY_CACHE_PROPERTY = "org.nd4j.autodiff.samediff";

  private static final Logger log = LoggerFactory.getLogger(Beit4j.class);
  private static volatile boolean initialised;

  private Beit4j() {}

  /**
   * Switches SameDiff's array cache off (idempotent, thread-safe).
   *
   * @throws IllegalStateException if the property was explicitly set to anything but "false"
   */
  public static void init() {
    if (initialised) {
      return;
    }
    synchronized (Beit4j.class) {
      if (initialised) {
        return;
      }
      String value = System.getProperty(ARRAY_CACHE_PROPERTY);
      if (value == null) {
        System.setProperty(ARRAY_CACHE_PROPERTY, "false");
        log.debug("Set -D{}=false (SameDiff array cache off)", ARRAY_CACHE_PROPERTY);
      } else if (!"false".equalsIgnoreCase(value.trim())) {
        throw new IllegalStateException(
            "System property -D"
                + ARRAY_CACHE_PROPERTY
                + "="
                + value
                + " enables SameDiff's array cache, which corrupts values in ND4J 1.0.0-M2.1"
                + " (ops read zeros after the first call). Remove the property or set -D"
                + ARRAY_CACHE_PROPERTY
                + "=false.");
      }
      if (!Boolean.getBoolean("beit4j.verboseSameDiff")) {
        System.setOut(new GradientChatterFilter(System.out));
      }
      initialised = true;
    }
  }

  /**
   * SameDiff M2.1 prints "Added differentiated op X" to {@code System.out} for every op when it
   * builds a gradient graph (hundreds of lines per ViT), unconditionally and past any logger. This
   * stream drops exactly those lines and passes everything else through. Keep them with {@code
   * -Dbeit4j.verboseSameDiff=true}.
   */
  static final class GradientChatterFilter extends PrintStream {
    static final String PREFIX = "Added differentiated op ";

    GradientChatterFilter(PrintStream target) {
      super(target, true);
    }

    @Override
    public void println(String line) {
      if (line == null || !line.startsWith(PREFIX)) {
        super.println(line);
      }
    }
  }
}
