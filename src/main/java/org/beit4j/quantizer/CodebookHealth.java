package org.beit4j.quantizer;

/**
 * How well a codebook is used (the "codebook collapse" of seed article section 1.2.4), from the
 * number of times each code was chosen.
 *
 * @param counts usage histogram, {@code counts[k]} = times code k was chosen
 * @param usedFraction share of codes chosen at least once
 * @param perplexity {@code exp(-sum_k p_k ln p_k)}, {@code p_k = counts[k] / sum(counts)}: K for a
 *     uniform usage of K codes, 1 for a single code, 0 when nothing was counted
 * @param deadCodes codes never chosen
 */
public record CodebookHealth(long[] counts, double usedFraction, double perplexity, int deadCodes) {

  public CodebookHealth {
    counts = counts.clone();
  }

  /** A copy of the histogram. */
  @Override
  public long[] counts() {
    return counts.clone();
  }

  /** The statistics of a usage histogram. */
  public static CodebookHealth of(long[] counts) {
    if (counts.length == 0) {
      throw new IllegalArgumentException("counts must not be empty");
    }
    long total = 0;
    int dead = 0;
    for (long c : counts) {
      if (c < 0) {
        throw new IllegalArgumentException("counts must be >= 0, got " + c);
      }
      total += c;
      if (c == 0) {
        dead++;
      }
    }
    double entropy = 0;
    for (long c : counts) {
      if (c > 0) {
        double p = (double) c / total;
        entropy -= p * Math.log(p);
      }
    }
    double perplexity = total == 0 ? 0 : Math.exp(entropy);
    double used = (double) (counts.length - dead) / counts.length;
    return new CodebookHealth(counts, used, perplexity, dead);
  }

  /** The statistics of one batch of code indices in a codebook of {@code codebookSize}. */
  public static CodebookHealth of(int[] codes, int codebookSize) {
    return of(CodebookEma.counts(codes, codebookSize));
  }

  /** Number of codes. */
  public int codebookSize() {
    return counts.length;
  }

  @Override
  public String toString() {
    return String.format(
        "CodebookHealth[K=%d, used=%.3f, perplexity=%.1f, dead=%d]",
        counts.length, usedFraction, perplexity, deadCodes);
  }

  /** Counts code usage over many batches (a whole data set). */
  public static final class Accumulator {
    private final long[] counts;

    public Accumulator(int codebookSize) {
      if (codebookSize < 1) {
        throw new IllegalArgumentException("codebookSize must be >= 1, got " + codebookSize);
      }
      counts = new long[codebookSize];
    }

    /** Adds one batch of code indices. */
    public Accumulator add(int[] codes) {
      for (int z : codes) {
        if (z < 0 || z >= counts.length) {
          throw new IllegalArgumentException(
              "code index " + z + " outside [0, " + counts.length + ")");
        }
        counts[z]++;
      }
      return this;
    }

    /** The statistics of everything added so far. */
    public CodebookHealth health() {
      return CodebookHealth.of(counts);
    }

    /** Forgets all counts. */
    public void reset() {
      java.util.Arrays.fill(counts, 0);
    }
  }
}
