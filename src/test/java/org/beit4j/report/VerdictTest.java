package org.beit4j.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.beit4j.eval.ResultsTable;
import org.junit.jupiter.api.Test;

class VerdictTest {

  /** The quick demo's table of 2026-12-03 (d below e) with fine-tuning figures added. */
  private static final ResultsTable DEMO =
      new ResultsTable(
          List.of(
              new ResultsTable.Row("(b) random ViT", "", 0.615, 0.589, 0.70),
              new ResultsTable.Row("(d) BEiT v2", "", 0.645, 0.603, 0.80),
              new ResultsTable.Row("(e) pixel tokens", "", 0.660, 0.632, Double.NaN)));

  @Test
  void aboveEveryOtherIsShownAndNamesThemInOrder() {
    Map<String, Double> others = new LinkedHashMap<>();
    others.put("(e)", 0.51);
    others.put("(b)", 0.563);
    Verdict v = Verdict.above("(d)", 0.6, others);
    assertTrue(v.shown());
    assertEquals("(d) above (b) and (e)", v.claim());
    assertEquals("claim shown: (d) above (b) and (e)", v.toString());
  }

  @Test
  void equalOrHigherOtherIsNotShownAndTheReasonGivesBothFigures() {
    Verdict v = Verdict.above("(d)", 0.422, Map.of("(b)", 0.563, "(e)", 0.422, "(a)", 0.1));
    assertEquals(Verdict.Outcome.NOT_SHOWN, v.outcome());
    assertEquals("claim not shown: (d) 42.2% is not above (b) 56.3%, (e) 42.2%", v.toString());
    assertEquals("(d) above (a), (b) and (e)", v.claim());
  }

  @Test
  void belowComparesTheOtherWayWithTheGivenFormat() {
    assertTrue(Verdict.below("MIM loss", 2.66, Map.of("token entropy", 3.1), "%.2f").shown());
    Verdict v = Verdict.below("MIM loss", 3.2, Map.of("token entropy", 3.1), "%.2f");
    assertEquals("claim not shown: MIM loss 3.20 is not below token entropy 3.10", v.toString());
    Verdict cos = Verdict.above("cosine", 0.723, Map.of("mean feature", 0.427), "%.3f");
    assertEquals("claim shown: cosine above mean feature", cos.toString());
  }

  @Test
  void aMissingFigureIsNotShownAndNoComparisonIsRefused() {
    assertEquals(
        "claim not shown: x was not measured",
        Verdict.above("x", Double.NaN, Map.of("y", 0.2)).toString());
    assertEquals(
        "claim not shown: x 50.0% is not above y was not measured",
        Verdict.above("x", 0.5, Map.of("y", Double.NaN)).toString());
    assertThrows(IllegalArgumentException.class, () -> Verdict.above("x", 0.5, Map.of()));
    assertThrows(
        IllegalArgumentException.class, () -> new Verdict("c", Verdict.Outcome.NOT_SHOWN, " "));
    assertThrows(IllegalArgumentException.class, () -> new Verdict(" ", Verdict.Outcome.SHOWN, ""));
  }

  @Test
  void probesAboveChecksLinearAndKnnOfTheTableRows() {
    Verdict v =
        Verdict.probesAbove(DEMO, "(d) BEiT v2", List.of("(e) pixel tokens", "(b) random ViT"));
    assertEquals("(d) BEiT v2 above (b) random ViT and (e) pixel tokens on both probes", v.claim());
    assertEquals(
        "claim not shown: (d) BEiT v2 linear 64.5% is not above (e) pixel tokens linear 66.0%;"
            + " (d) BEiT v2 k-NN 60.3% is not above (e) pixel tokens k-NN 63.2%",
        v.toString());
    assertTrue(Verdict.probesAbove(DEMO, "(d) BEiT v2", List.of("(b) random ViT")).shown());
    assertThrows(
        IllegalArgumentException.class,
        () -> Verdict.probesAbove(DEMO, "(d) BEiT v2", List.of("(x) absent")));
  }

  @Test
  void fineTunedAboveReadsTheFineTuningColumn() {
    assertEquals(
        "claim shown: (d) BEiT v2 fine-tuned above (b) random ViT fine-tuned",
        Verdict.fineTunedAbove(DEMO, "(d) BEiT v2", List.of("(b) random ViT")).toString());
    assertFalse(Verdict.fineTunedAbove(DEMO, "(d) BEiT v2", List.of("(e) pixel tokens")).shown());
    assertFalse(Verdict.fineTunedAbove(DEMO, "(b) random ViT", List.of("(d) BEiT v2")).shown());
  }

  @Test
  void allIsShownOnlyWhenEveryPartIsAndAFailureOutranksASmallRun() {
    Verdict yes = Verdict.above("a", 0.6, Map.of("b", 0.5));
    Verdict no = Verdict.above("c", 0.4, Map.of("d", 0.5));
    Verdict small = yes.atSize(20, 100, 300, 300);
    assertTrue(Verdict.all("both", yes, yes).shown());
    assertEquals(
        "claim not shown: c 40.0% is not above d 50.0%",
        Verdict.all("x", yes, no, small).toString());
    assertEquals(Verdict.Outcome.CI_SIZE, Verdict.all("x", yes, small).outcome());
    assertThrows(IllegalArgumentException.class, () -> Verdict.all("none"));
  }

  @Test
  void atSizeKeepsTheVerdictAtOrAboveTheSizesAndOtherwiseSaysCiSize() {
    Verdict no = Verdict.above("(d)", 0.40, Map.of("(b)", 0.44));
    assertSame(no, no.atSize(100, 100, 2000, 2000));
    Verdict small = no.atSize(20, 100, 300, 2000);
    assertEquals(Verdict.Outcome.CI_SIZE, small.outcome());
    assertFalse(small.shown());
    assertEquals(
        "not shown (CI size): MAX_STEPS=20 < 100, MAX_IMAGES=300 < 2000; at this size: (d) 40.0%"
            + " is not above (b) 44.0% (claim: (d) above (b))",
        small.toString());
    assertEquals(
        "not shown (CI size): MAX_IMAGES=300 < 2000; at this size: shown (claim: (b) above (d))",
        Verdict.above("(b)", 0.44, Map.of("(d)", 0.40)).atSize(500, 100, 300, 2000).toString());
  }
}
