package org.beit4j.bench;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.lang.management.MemoryUsage;
import java.util.concurrent.atomic.AtomicLong;
import org.bytedeco.javacpp.Pointer;

/**
 * Peak memory while a stage runs, sampled every {@value #PERIOD_MS} ms on a daemon thread: the JVM
 * heap in use ({@link MemoryMXBean}), the process's resident set ({@link Pointer#physicalBytes()})
 * and the off-heap part of it, {@code resident - committed heap - committed non-heap}: ND4J's array
 * buffers, native libraries, thread stacks. In M2.1 libnd4j allocates array buffers itself, so
 * JavaCPP's own count ({@link Pointer#totalBytes()}) stays near 0 and cannot be used. Peaks between
 * two samples can be missed: the figures are lower bounds.
 */
public final class MemorySampler implements AutoCloseable {

  /** Milliseconds between samples. */
  public static final long PERIOD_MS = 20;

  /**
   * Peak bytes seen.
   *
   * @param heap JVM heap in use
   * @param offHeap resident bytes outside the JVM's committed heap and non-heap pools
   * @param resident the process's resident set
   */
  public record Peaks(long heap, long offHeap, long resident) {}

  private final MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
  private final AtomicLong heap = new AtomicLong();
  private final AtomicLong offHeap = new AtomicLong();
  private final AtomicLong resident = new AtomicLong();
  private final Thread thread;
  private volatile boolean running = true;

  private MemorySampler() {
    sample();
    thread = new Thread(this::loop, "bench-memory-sampler");
    thread.setDaemon(true);
    thread.start();
  }

  /** Starts sampling now. */
  public static MemorySampler start() {
    return new MemorySampler();
  }

  /** The peaks so far (sampling goes on). */
  public Peaks peaks() {
    sample();
    return new Peaks(heap.get(), offHeap.get(), resident.get());
  }

  /** Stops sampling and waits for the sampler thread. */
  @Override
  public void close() {
    running = false;
    thread.interrupt();
    try {
      thread.join(1000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private void loop() {
    while (running) {
      sample();
      try {
        Thread.sleep(PERIOD_MS);
      } catch (InterruptedException e) {
        return;
      }
    }
  }

  private void sample() {
    MemoryUsage h = memory.getHeapMemoryUsage();
    long rss = Pointer.physicalBytes();
    long jvm = h.getCommitted() + memory.getNonHeapMemoryUsage().getCommitted();
    heap.accumulateAndGet(h.getUsed(), Math::max);
    offHeap.accumulateAndGet(Math.max(0, rss - jvm), Math::max);
    resident.accumulateAndGet(rss, Math::max);
  }
}
