package org.beit4j.pipeline;

/** What every stage of a pipeline does when it ends. */
final class Stages {

  private Stages() {}

  /**
   * Asks the JVM for a garbage collection, so that the native buffers of the arrays a finished
   * stage (or evaluation row) no longer holds are freed before the next one allocates its own.
   *
   * <p>Why: ND4J M2.1 frees an array's off-heap buffer only when the garbage collector has found
   * its Java handle unreachable, and the handles are small: a stage can leave gigabytes of dead
   * buffers behind while the heap looks nearly empty, so no collection runs. JavaCPP's {@code
   * maxbytes} does not bound them (libnd4j allocates them outside JavaCPP's count,
   * docs/performance.md). The full recipe's evaluation was killed by the kernel at 24 GB of
   * resident memory on a 24 GB machine before this call and the per-epoch frees in {@code
   * LinearProbe} and {@code KnnClassifier}. A collection takes well under a second here, against
   * stages of seconds to hours.
   */
  static void releaseNativeMemory() {
    System.gc();
  }
}
