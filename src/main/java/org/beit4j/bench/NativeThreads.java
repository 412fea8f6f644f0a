package org.beit4j.bench;

import org.nd4j.linalg.factory.Nd4j;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The number of threads ND4J's native code uses. M2.1 has no {@code Nd4j.setNumThreads}; the thread
 * count of libnd4j's own ops is {@code Nd4j.getEnvironment().setMaxThreads} (and {@code
 * setMaxMasterThreads}), and OpenBLAS's, used by matmul and GEMM, is {@code
 * Nd4j.factory().blas().setMaxThreads}. Both start from {@code OMP_NUM_THREADS}; {@link #set}
 * changes both at run time.
 */
public final class NativeThreads {

  private static final Logger log = LoggerFactory.getLogger(NativeThreads.class);

  private NativeThreads() {}

  /**
   * Sets OpenBLAS's thread count to {@code n} and asks libnd4j for the same; warns when libnd4j's
   * count (fixed at start by {@code OMP_NUM_THREADS}) differs.
   */
  public static void set(int n) {
    if (n < 1) {
      throw new IllegalArgumentException("threads must be >= 1, got " + n);
    }
    Nd4j.factory().blas().setMaxThreads(n);
    Nd4j.getEnvironment().setMaxThreads(n);
    if (ops() != n) {
      log.warn(
          "libnd4j keeps {} threads for its ops (M2.1 fixes them at start): set"
              + " OMP_NUM_THREADS={} before the JVM starts, as bin/beit4j bench --threads does",
          ops(),
          n);
    }
  }

  /** libnd4j's thread count for its own ops. */
  public static int ops() {
    return Nd4j.getEnvironment().maxThreads();
  }

  /** OpenBLAS's thread count. */
  public static int blas() {
    return Nd4j.factory().blas().getMaxThreads();
  }
}
