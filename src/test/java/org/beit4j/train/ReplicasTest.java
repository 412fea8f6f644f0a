package org.beit4j.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

class ReplicasTest {

  @Test
  void rangesSplitEvenlyWithoutEmptyShards() {
    List<int[]> r = Replicas.ranges(7, 3);
    assertEquals(3, r.size());
    assertArrayEquals(new int[] {0, 3}, r.get(0));
    assertArrayEquals(new int[] {3, 5}, r.get(1));
    assertArrayEquals(new int[] {5, 7}, r.get(2));
    assertEquals(2, Replicas.ranges(2, 4).size());
    assertArrayEquals(new int[] {0, 1}, Replicas.ranges(1, 1).get(0));
    INDArray x = Nd4j.arange(12).reshape(4, 3);
    assertEquals(Nd4j.arange(6, 12).reshape(2, 3), Replicas.rows(x, new int[] {2, 4}));
  }

  @Test
  void combineIsTheWeightedMeanAndSkipsEmptyShards() {
    Replicas.Pass a = pass(new double[] {1, 2}, 0.5, 3);
    Replicas.Pass b = pass(new double[] {5, -2}, 0.25, 1);
    Replicas.Pass empty = pass(new double[] {Double.NaN, Double.NaN}, Double.NaN, 0);
    Replicas.Pass c = Replicas.combine(List.of(a, empty, b));
    // (3 * [1, 2] + 1 * [5, -2]) / 4
    assertEquals(Nd4j.createFromArray(2.0, 1.0), c.gradients().get("w"));
    assertEquals((3 * 0.5 + 0.25) / 4, c.metrics().get("loss"), 1e-15);
    assertEquals(4, c.weight(), 0);
    assertThrows(IllegalArgumentException.class, () -> Replicas.combine(List.of(empty)));
  }

  private static Replicas.Pass pass(double[] g, double loss, double weight) {
    Map<String, INDArray> grads = new LinkedHashMap<>();
    grads.put("w", Nd4j.createFromArray(g));
    return new Replicas.Pass(grads, Map.of("loss", loss), weight);
  }

  @Test
  void eachReplicaRunsOnItsOwnThreadAndStartsFromReplicaZero() {
    int[] built = new int[1];
    try (Replicas<Map<String, INDArray>> r =
        Replicas.create(
            3,
            i -> {
              built[0]++;
              return Map.of("p", Nd4j.createFromArray((double) i));
            },
            m -> m)) {
      assertEquals(3, built[0]);
      for (Map<String, INDArray> m : r.all()) {
        assertEquals(0.0, m.get("p").getDouble(0), 0); // broadcast from replica 0
      }
      List<String> names = r.map(List.of(1, 2, 3), (m, s) -> Thread.currentThread().getName());
      assertEquals(List.of("beit4j-replica-0", "beit4j-replica-1", "beit4j-replica-2"), names);
      List<Integer> two = r.map(List.of(10, 20), (m, s) -> s + 1);
      assertEquals(List.of(11, 21), two);
      RuntimeException boom =
          assertThrows(
              IllegalStateException.class,
              () ->
                  r.map(
                      List.of(1),
                      (m, s) -> {
                        throw new IllegalStateException("replica says no");
                      }));
      assertEquals("replica says no", boom.getMessage());
    }
    try (Replicas<Map<String, INDArray>> one =
        Replicas.create(1, i -> Map.of("p", Nd4j.scalar(1.0)), m -> m)) {
      String caller = Thread.currentThread().getName();
      assertEquals(
          List.of(caller), one.map(List.of(0), (m, s) -> Thread.currentThread().getName()));
      assertNotEquals("beit4j-replica-0", caller);
    }
    assertThrows(IllegalArgumentException.class, () -> Replicas.create(0, i -> 1, m -> Map.of()));
  }
}
