package org.beit4j.report;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.DoubleFunction;
import org.beit4j.eval.ResultsTable;

/**
 * Whether a run showed the claim of the article's section it demonstrates, computed from its own
 * figures: the one line a notebook ends with ({@link #toString}).
 *
 * <pre>{@code
 * Verdict v = Verdict.above("bag of words", 0.41, Map.of("chance", 0.10));
 * String line = v.atSize(maxSteps, 100, maxImages, 1000).toString(); // "claim shown: bag of words ..."
 * }</pre>
 *
 * @param claim what was to be shown, e.g. "(d) above (b) and (e) on both probes"
 * @param outcome shown, not shown, or not shown because the run was too small to show it
 * @param reason why it was not shown (empty when it was)
 */
public record Verdict(String claim, Outcome outcome, String reason) {

  /** How a claim came out. */
  public enum Outcome {
    /** The figures show the claim. */
    SHOWN,
    /** The figures contradict it (at a size where it can hold). */
    NOT_SHOWN,
    /** The run was smaller than the sizes at which the claim can hold (a CI run). */
    CI_SIZE
  }

  /** Validates every field; a claim not shown needs a reason. */
  public Verdict {
    if (claim == null || claim.isBlank()) {
      throw new IllegalArgumentException("claim must not be blank, got '" + claim + "'");
    }
    if (outcome == null) {
      throw new IllegalArgumentException("outcome of '" + claim + "' must not be null");
    }
    reason = reason == null ? "" : reason;
    if (outcome != Outcome.SHOWN && reason.isBlank()) {
      throw new IllegalArgumentException(outcome + " verdict on '" + claim + "' needs a reason");
    }
  }

  /** Whether the claim was shown. */
  public boolean shown() {
    return outcome == Outcome.SHOWN;
  }

  /**
   * {@code what} is strictly above every one of {@code others}; accuracies in [0, 1], printed in
   * percent. Others are named in the order of their names.
   *
   * @throws IllegalArgumentException if {@code others} is empty
   */
  public static Verdict above(String what, double value, Map<String, Double> others) {
    return compare(what, value, others, true, Verdict::percent);
  }

  /** {@link #above} for any figure, printed with {@code format} (e.g. {@code "%.3f"}). */
  public static Verdict above(
      String what, double value, Map<String, Double> others, String format) {
    return compare(what, value, others, true, v -> String.format(Locale.ROOT, format, v));
  }

  /** {@code what} is strictly below every one of {@code others} (a loss), printed with format. */
  public static Verdict below(
      String what, double value, Map<String, Double> others, String format) {
    return compare(what, value, others, false, v -> String.format(Locale.ROOT, format, v));
  }

  /**
   * Row {@code row} of {@code table} above each of {@code others} on the linear probe and on k-NN.
   *
   * @throws IllegalArgumentException if a row is missing
   */
  public static Verdict probesAbove(ResultsTable table, String row, List<String> others) {
    Map<String, Double> linear = new TreeMap<>();
    Map<String, Double> knn = new TreeMap<>();
    for (String o : others) {
      linear.put(o, table.row(o).linearTop1());
      knn.put(o, table.row(o).knnTop1());
    }
    ResultsTable.Row r = table.row(row);
    return all(
        row + " above " + names(linear) + " on both probes",
        above(row + " linear", r.linearTop1(), prefixed(linear, " linear")),
        above(row + " k-NN", r.knnTop1(), prefixed(knn, " k-NN")));
  }

  /** Row {@code row} of {@code table} fine-tuned above each of {@code others} fine-tuned. */
  public static Verdict fineTunedAbove(ResultsTable table, String row, List<String> others) {
    Map<String, Double> ft = new TreeMap<>();
    for (String o : others) {
      ft.put(o + " fine-tuned", table.row(o).finetuneTop1());
    }
    return above(row + " fine-tuned", table.row(row).finetuneTop1(), ft);
  }

  /**
   * Every part shown: shown; else not shown with the reasons of the parts that were not (a part too
   * small to tell makes the whole too small to tell, unless another part failed).
   */
  public static Verdict all(String claim, Verdict... parts) {
    if (parts.length == 0) {
      throw new IllegalArgumentException("'" + claim + "' needs at least one part");
    }
    List<String> failed = new ArrayList<>();
    List<String> small = new ArrayList<>();
    for (Verdict p : parts) {
      if (p.outcome == Outcome.NOT_SHOWN) {
        failed.add(p.reason);
      } else if (p.outcome == Outcome.CI_SIZE) {
        small.add(p.reason);
      }
    }
    if (!failed.isEmpty()) {
      return new Verdict(claim, Outcome.NOT_SHOWN, String.join("; ", failed));
    }
    if (!small.isEmpty()) {
      return new Verdict(claim, Outcome.CI_SIZE, String.join("; ", small));
    }
    return new Verdict(claim, Outcome.SHOWN, "");
  }

  /**
   * This verdict, or {@link Outcome#CI_SIZE} when the run took fewer than {@code minSteps} steps or
   * fewer than {@code minImages} images: the sizes below which the claim cannot be expected to
   * hold. The reason keeps what the small run measured.
   */
  public Verdict atSize(int steps, int minSteps, int images, int minImages) {
    List<String> under = new ArrayList<>();
    if (steps < minSteps) {
      under.add("MAX_STEPS=" + steps + " < " + minSteps);
    }
    if (images < minImages) {
      under.add("MAX_IMAGES=" + images + " < " + minImages);
    }
    if (under.isEmpty()) {
      return this;
    }
    String measured = shown() ? "shown" : reason;
    return new Verdict(
        claim,
        Outcome.CI_SIZE,
        String.join(", ", under) + "; at this size: " + measured + " (claim: " + claim + ")");
  }

  /**
   * The line: {@code claim shown: CLAIM}, {@code claim not shown: REASON} or {@code not shown (CI
   * size): REASON}.
   */
  @Override
  public String toString() {
    return switch (outcome) {
      case SHOWN -> "claim shown: " + claim;
      case NOT_SHOWN -> "claim not shown: " + reason;
      case CI_SIZE -> "not shown (CI size): " + reason;
    };
  }

  private static Verdict compare(
      String what,
      double value,
      Map<String, Double> others,
      boolean above,
      DoubleFunction<String> f) {
    if (others == null || others.isEmpty()) {
      throw new IllegalArgumentException("'" + what + "' must be compared with something");
    }
    Map<String, Double> sorted = new TreeMap<>(others);
    String claim = what + (above ? " above " : " below ") + names(sorted);
    if (Double.isNaN(value)) {
      return new Verdict(claim, Outcome.NOT_SHOWN, what + " was not measured");
    }
    List<String> wrong = new ArrayList<>();
    for (var e : sorted.entrySet()) {
      double o = e.getValue();
      boolean ok = above ? value > o : value < o;
      if (Double.isNaN(o)) {
        wrong.add(e.getKey() + " was not measured");
      } else if (!ok) {
        wrong.add(e.getKey() + " " + f.apply(o));
      }
    }
    if (wrong.isEmpty()) {
      return new Verdict(claim, Outcome.SHOWN, "");
    }
    String not = above ? " is not above " : " is not below ";
    return new Verdict(
        claim, Outcome.NOT_SHOWN, what + " " + f.apply(value) + not + String.join(", ", wrong));
  }

  private static String percent(double v) {
    return String.format(Locale.ROOT, "%.1f%%", 100 * v);
  }

  /** "a", "a and b", "a, b and c". */
  private static String names(Map<String, Double> m) {
    List<String> k = new ArrayList<>(m.keySet());
    if (k.size() == 1) {
      return k.get(0);
    }
    return String.join(", ", k.subList(0, k.size() - 1)) + " and " + k.get(k.size() - 1);
  }

  private static Map<String, Double> prefixed(Map<String, Double> m, String suffix) {
    Map<String, Double> out = new TreeMap<>();
    m.forEach((k, v) -> out.put(k + suffix, v));
    return out;
  }
}
