package org.beit4j.bench;

import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import org.nd4j.autodiff.listeners.At;
import org.nd4j.autodiff.listeners.BaseListener;
import org.nd4j.autodiff.listeners.Operation;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.autodiff.samediff.internal.SameDiffOp;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.OpContext;
import org.nd4j.linalg.dataset.api.MultiDataSet;

/**
 * Times every op of a SameDiff session, from {@code preOpExecution} to {@code opExecution} (the
 * op's execution; output allocation and shape inference happen before {@code preOpExecution} and
 * count as time outside ops). Sums by op type, by direction (forward ops are those present in the
 * graph before the gradient graph was built) and by a caller-given region of each op.
 */
public final class OpTimer extends BaseListener {

  /** Sum of one key. */
  public static final class Acc {
    public long nanos;
    public long count;

    void add(long dt) {
      nanos += dt;
      count++;
    }
  }

  private final Set<String> forwardOps;
  private final Function<String, String> region;
  private final Map<String, Acc> byType = new HashMap<>();
  private final Map<String, Acc> byRegion = new HashMap<>();
  private final Map<String, Acc> byRegionType = new HashMap<>();
  private final Acc forward = new Acc();
  private final Acc backward = new Acc();
  private boolean recording;
  private long start;
  private long firstStart;
  private long lastEnd;
  private long spanNanos;

  /** backward op name -> region, filled lazily by the region function. */
  private final Set<String> seen = new HashSet<>();

  /**
   * @param forwardOps names of the forward graph's ops
   * @param region an op name to its region (e.g. "block/attn"), or null for "other"
   */
  public OpTimer(Set<String> forwardOps, Function<String, String> region) {
    this.forwardOps = Set.copyOf(forwardOps);
    this.region = region;
  }

  @Override
  public boolean isActive(Operation operation) {
    return true;
  }

  /** Starts (or stops) summing. */
  public void recording(boolean on) {
    recording = on;
  }

  /** Marks the start of a timed step: the op span is measured from the first op to the last. */
  public void stepStart() {
    firstStart = 0;
  }

  /** Ends a timed step. */
  public void stepEnd() {
    if (recording && firstStart != 0) {
      spanNanos += lastEnd - firstStart;
    }
  }

  @Override
  public void preOpExecution(SameDiff sd, At at, SameDiffOp op, OpContext opContext) {
    start = System.nanoTime();
    if (firstStart == 0) {
      firstStart = start;
    }
  }

  @Override
  public void opExecution(
      SameDiff sd,
      At at,
      MultiDataSet batch,
      SameDiffOp op,
      OpContext opContext,
      INDArray[] outputs) {
    long end = System.nanoTime();
    lastEnd = end;
    if (!recording) {
      return;
    }
    long dt = end - start;
    boolean fwd = forwardOps.contains(op.getName());
    String type = op.getOp().opName();
    byType.computeIfAbsent((fwd ? "F " : "B ") + type, k -> new Acc()).add(dt);
    (fwd ? forward : backward).add(dt);
    String r = region.apply(op.getName());
    byRegion
        .computeIfAbsent((fwd ? "F " : "B ") + (r == null ? "other" : r), k -> new Acc())
        .add(dt);
    byRegionType
        .computeIfAbsent(
            (fwd ? "F " : "B ") + (r == null ? "other" : r) + " : " + type, k -> new Acc())
        .add(dt);
  }

  public Map<String, Acc> byRegionType() {
    return byRegionType;
  }

  public Map<String, Acc> byType() {
    return byType;
  }

  public Map<String, Acc> byRegion() {
    return byRegion;
  }

  public Acc forward() {
    return forward;
  }

  public Acc backward() {
    return backward;
  }

  /** Summed first-op-start to last-op-end time of the timed steps. */
  public long spanNanos() {
    return spanNanos;
  }
}
