package org.beit4j.spark;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.beit4j.train.Replicas;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/** {@code treeAggregate} and {@code collect} combine a step's passes alike. */
class CombinerTest {

  private static final int K = 10;

  /** Shard {@code r}: gradients, a loss, weight r (0 for shard 0), 2 rows of codes. */
  private static ShardPass shard(int r) {
    Nd4j.getRandom().setSeed(r + 1);
    Map<String, INDArray> g = new LinkedHashMap<>();
    g.put("a/w", Nd4j.rand(DataType.FLOAT, 3, 4)); // [3, 4]
    g.put("a/b", Nd4j.rand(DataType.FLOAT, 4)); // [4]
    Replicas.Pass p = new Replicas.Pass(g, Map.of("loss", 1.0 + r), r);
    INDArray hq = Nd4j.rand(DataType.FLOAT, 2, 3); // [2, 3]
    return ShardPass.of(p, 0.1 * r).withRows(2 * r, hq, new int[] {10 * r, 10 * r + 1});
  }

  @Test
  void treeAggregateGivesTheWeightedMeanThatCollectGives() {
    List<ShardPass> parts = new ArrayList<>();
    int[] codes = new int[2 * K];
    for (int r = 0; r < K; r++) {
      parts.add(shard(r));
      codes[2 * r] = 10 * r;
      codes[2 * r + 1] = 10 * r + 1;
    }
    // 10 partitions: executors merge groups of 4 first (depth 2), then the driver
    Combiner.Combined collected =
        Combiner.combine(LocalSpark.context().parallelize(parts, K), K + 1);
    Combiner.Combined tree = Combiner.combine(LocalSpark.context().parallelize(parts, K), K);
    // by hand: sum_r w_r g_r / sum_r w_r with w_r = r, sum 45
    INDArray expected = Nd4j.zeros(DataType.FLOAT, 3, 4);
    for (int r = 1; r < K; r++) {
      expected.addi(parts.get(r).pass().gradients().get("a/w").mul(r / 45.0));
    }
    for (Combiner.Combined c : List.of(collected, tree)) {
      assertEquals(45, c.pass().weight(), 0);
      double diff = c.pass().gradients().get("a/w").sub(expected).amaxNumber().doubleValue();
      assertTrue(diff < 1e-6, "gradient differs by " + diff);
      // loss 1 + r weighted by r: sum r (1 + r) / 45 = (45 + 285) / 45
      assertEquals(330.0 / 45, c.pass().metrics().get("loss"), 1e-12);
      assertArrayEquals(codes, c.codes());
      assertEquals(0.1 * (K - 1), c.taskSeconds(), 1e-12);
    }
    assertEquals(collected.hq(), tree.hq());
    assertEquals(2 * K, tree.hq().size(0));
  }
}
