package org.beit4j.train;

import java.io.PrintStream;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A one-line terminal progress bar for long loops: {@code teacher [#####.....] 512/1024 50% 12.3
 * img/s eta 00:41 loss=0.4123 acc=0.871}.
 *
 * <p>It writes to standard error, redraws at most every {@code minIntervalMillis} and always on the
 * last step, and ends with a newline. When standard error is not a terminal (CI logs, notebooks)
 * each redraw is its own line, so logs stay readable; set {@code minIntervalMillis} accordingly.
 * Only one bar at a time redraws in place; bars running alongside it (another thread) print lines.
 * Metrics are shown in the order they were first set.
 */
public final class ProgressBar implements AutoCloseable {

  private static final int WIDTH = 24;

  /** Whether a bar is redrawing its line in place; a second bar meanwhile prints whole lines. */
  private static final AtomicBoolean IN_PLACE_TAKEN = new AtomicBoolean();

  private final String label;
  private final long total;
  private final String unit;
  private final PrintStream out;
  private final long minIntervalNanos;
  private final boolean inPlace;
  private final long startNanos = System.nanoTime();
  private final Map<String, String> metrics = new LinkedHashMap<>();
  private long done;
  private long itemsDone;
  private long lastDrawNanos;
  private boolean drawn;
  private boolean closed;
  private boolean released;

  /**
   * @param label what is running, e.g. "tokenizer"
   * @param total number of steps
   * @param unit what throughput counts, e.g. "img" (throughput shown as img/s)
   */
  public ProgressBar(String label, long total, String unit) {
    this(label, total, unit, System.err, System.console() != null ? 200 : 10_000);
  }

  /** Full control, for tests and notebooks: the stream and the minimum time between redraws. */
  public ProgressBar(
      String label, long total, String unit, PrintStream out, long minIntervalMillis) {
    if (total < 1) {
      throw new IllegalArgumentException("progress total must be >= 1, got " + total);
    }
    this.label = label;
    this.total = total;
    this.unit = unit;
    this.out = out;
    this.minIntervalNanos = minIntervalMillis * 1_000_000L;
    this.inPlace =
        System.console() != null && out == System.err && IN_PLACE_TAKEN.compareAndSet(false, true);
  }

  /** Sets a metric shown after the bar; doubles are printed with 4 significant decimals. */
  public ProgressBar metric(String name, double value) {
    metrics.put(name, String.format(Locale.ROOT, "%.4g", value));
    return this;
  }

  /** Sets a metric shown after the bar as given. */
  public ProgressBar metric(String name, String value) {
    metrics.put(name, value);
    return this;
  }

  /** Advances by one step that processed {@code items} units (e.g. images in the batch). */
  public void step(long items) {
    done = Math.min(total, done + 1);
    itemsDone += items;
    long now = System.nanoTime();
    if (done == total || !drawn || now - lastDrawNanos >= minIntervalNanos) {
      drawn = true;
      lastDrawNanos = now;
      draw(now);
    }
  }

  /** Steps completed so far. */
  public long done() {
    return done;
  }

  /** The line as it would be drawn now (for tests and logs). */
  public String line() {
    return render(System.nanoTime());
  }

  private void draw(long now) {
    String text = render(now);
    if (inPlace) {
      out.print("\r" + text);
      if (done == total) {
        out.println();
        release();
      }
    } else {
      out.println(text);
    }
    out.flush();
  }

  private String render(long now) {
    double seconds = Math.max(1e-9, (now - startNanos) / 1e9);
    int filled = (int) (WIDTH * done / total);
    StringBuilder sb = new StringBuilder(label).append(" [");
    sb.append("#".repeat(filled)).append(".".repeat(WIDTH - filled)).append("] ");
    sb.append(done).append('/').append(total);
    sb.append(String.format(Locale.ROOT, " %3d%%", (int) (100 * done / total)));
    sb.append(String.format(Locale.ROOT, " %.1f %s/s", itemsDone / seconds, unit));
    long etaSeconds = done == 0 ? 0 : Math.round(seconds * (total - done) / done);
    sb.append(String.format(Locale.ROOT, " eta %02d:%02d", etaSeconds / 60, etaSeconds % 60));
    metrics.forEach((k, v) -> sb.append(' ').append(k).append('=').append(v));
    return sb.toString();
  }

  @Override
  public void close() {
    if (!closed && inPlace && done < total) {
      out.println();
    }
    closed = true;
    release();
  }

  private void release() {
    if (inPlace && !released) {
      released = true;
      IN_PLACE_TAKEN.set(false);
    }
  }
}
