package org.beit4j.spark;

import java.util.Arrays;
import java.util.List;
import org.apache.spark.api.java.JavaRDD;
import org.beit4j.train.Replicas;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Combines a step's shard passes into the whole batch's ({@link Replicas#combine}: {@code g = sum_r
 * w_r g_r / sum_r w_r}) on the driver.
 *
 * <p>Below {@code treeFrom} shards every pass is collected on the driver and combined in shard
 * order: deterministic, so a resumed run equals an uninterrupted one bit for bit. From {@code
 * treeFrom} on the passes are merged by {@code treeAggregate} (depth 2): executors merge groups of
 * about {@code sqrt(K)} passes, so the driver receives {@code ~sqrt(K)} gradients instead of {@code
 * K}. A merge of two weighted means is their weighted mean ({@link Replicas#combine} again), so the
 * result is the same within float rounding, but Spark merges partial results in the order tasks
 * finish, so the summation order, and the last bits, may change from run to run.
 */
final class Combiner {

  /** The tree's depth: executors merge once, the driver once. */
  static final int TREE_DEPTH = 2;

  /**
   * A step's combination.
   *
   * @param pass the whole batch's gradients, metrics and weight
   * @param hq every shard's encoder outputs in batch order {@code [M, d]} (VQ-KD; null for MIM)
   * @param codes every shard's codes in batch order (VQ-KD; empty for MIM)
   * @param taskSeconds the longest time a task spent on its own shard
   */
  record Combined(Replicas.Pass pass, INDArray hq, int[] codes, double taskSeconds) {}

  private Combiner() {}

  /**
   * Runs the step's tasks and combines their passes.
   *
   * @param parts one pass per shard, in shard order
   * @param treeFrom shard count from which {@code treeAggregate} is used
   * @throws IllegalArgumentException if every pass has weight 0
   */
  static Combined combine(JavaRDD<ShardPass> parts, int treeFrom) {
    if (parts.getNumPartitions() < treeFrom) {
      List<ShardPass> all = parts.collect();
      ShardPass.Rows[] rows =
          all.stream().flatMap(p -> Arrays.stream(p.rows())).toArray(ShardPass.Rows[]::new);
      return new Combined(
          Replicas.combine(all.stream().map(ShardPass::pass).toList()),
          ShardPass.h(rows),
          ShardPass.codes(rows),
          all.stream().mapToDouble(ShardPass::seconds).max().orElse(0));
    }
    ShardPass t =
        parts.treeAggregate(ShardPass.EMPTY, Combiner::merge, Combiner::merge, TREE_DEPTH);
    if (!(t.weight() > 0)) {
      throw new IllegalArgumentException("all passes of the step have weight 0");
    }
    return new Combined(t.pass(), ShardPass.h(t.rows()), ShardPass.codes(t.rows()), t.seconds());
  }

  /**
   * The weighted mean of two (partial) results, their rows joined in batch order: associative up to
   * float rounding, so Spark may merge in any order. A pass of weight 0 counts as absent, as in
   * {@link Replicas#combine}.
   */
  static ShardPass merge(ShardPass a, ShardPass b) {
    ShardPass.Rows[] rows = ShardPass.join(a.rows(), b.rows());
    double seconds = Math.max(a.seconds(), b.seconds());
    ShardPass kept;
    if (!(b.weight() > 0)) {
      kept = a;
    } else if (!(a.weight() > 0)) {
      kept = b;
    } else {
      kept = ShardPass.of(Replicas.combine(List.of(a.pass(), b.pass())), seconds);
    }
    return new ShardPass(
        kept.gradients(), kept.metricNames(), kept.metrics(), kept.weight(), seconds, rows);
  }
}
