package org.beit4j.spark;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * An executor JVM's idle graph replicas of the current job, one per task slot that has run a shard:
 * a task borrows an idle one (or builds one) and gives it back when done. Replicas of another job
 * are dropped when a task of a new job arrives, so a JVM holds one job's graphs.
 */
final class Pool {

  private static final Map<String, Deque<Object>> IDLE = new HashMap<>();

  private Pool() {}

  /**
   * Runs {@code work} on an idle replica of job {@code key}, built by {@code build} if there is
   * none (under the lock: graph building is not known to be thread-safe).
   */
  static <W, R> R with(String key, Supplier<W> build, Function<W, R> work) {
    W w = borrow(key, build);
    try {
      return work.apply(w);
    } finally {
      giveBack(key, w);
    }
  }

  @SuppressWarnings("unchecked")
  private static synchronized <W> W borrow(String key, Supplier<W> build) {
    IDLE.keySet().retainAll(Set.of(key));
    Deque<Object> idle = IDLE.computeIfAbsent(key, k -> new ArrayDeque<>());
    return idle.isEmpty() ? build.get() : (W) idle.pop();
  }

  private static synchronized void giveBack(String key, Object w) {
    IDLE.computeIfAbsent(key, k -> new ArrayDeque<>()).push(w);
  }
}
