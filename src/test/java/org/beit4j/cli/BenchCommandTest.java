package org.beit4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** {@code bench}'s usage errors and help; nothing here is timed. */
class BenchCommandTest {

  @Test
  void unknownStageIsAUsageErrorListingTheStages() {
    CliOptionsTest.Run r = CliOptionsTest.run("bench", "--stage", "mim-demo,nope");
    assertEquals(2, r.code());
    assertTrue(r.err().contains("unknown stage 'nope'"), r.err());
    assertTrue(r.err().contains("fine-tune"), r.err());
  }

  @Test
  void negativeReplicasAreAUsageError() {
    CliOptionsTest.Run r = CliOptionsTest.run("bench", "--replicas", "-1");
    assertEquals(2, r.code());
    assertTrue(r.err().contains("replicas must be >= 0"), r.err());
  }

  @Test
  void helpListsTheFlagsAndStages() {
    CliOptionsTest.Run r = CliOptionsTest.run("bench", "--help");
    assertEquals(0, r.code());
    for (String s : new String[] {"--stage", "--threads", "--replicas", "--json", "mim-8192"}) {
      assertTrue(r.out().contains(s), s + " in\n" + r.out());
    }
  }
}
