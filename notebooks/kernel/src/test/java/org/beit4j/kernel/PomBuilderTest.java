package org.beit4j.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class PomBuilderTest {

  @Test
  void coordinatesInTheThreeAetherForms() {
    String pom =
        new PomBuilder()
            .coordinate("g:a:1")
            .coordinate("g:b:zip:2")
            .coordinate("org.nd4j:nd4j-native:jar:linux-x86_64:1.0.0-M2.1")
            .build();
    assertTrue(pom.contains("<groupId>g</groupId><artifactId>a</artifactId><version>1</version>"));
    assertTrue(pom.contains("<artifactId>b</artifactId><type>zip</type><version>2</version>"));
    assertTrue(pom.contains("<classifier>linux-x86_64</classifier><version>1.0.0-M2.1</version>"));
    assertTrue(pom.contains("<packaging>pom</packaging>"));
  }

  @Test
  void badCoordinatesAreRejectedWithTheirText() {
    var e = assertThrows(IllegalArgumentException.class, () -> new PomBuilder().coordinate("g:a"));
    assertEquals(
        "Maven coordinate 'g:a' is not group:artifact[:extension[:classifier]]:version",
        e.getMessage());
    var empty =
        assertThrows(IllegalArgumentException.class, () -> new PomBuilder().coordinate("g::1"));
    assertEquals("empty part in Maven coordinate 'g::1'", empty.getMessage());
  }

  @Test
  void fragmentCollectsDependenciesAndRepositoriesWhereverTheyStand() {
    PomBuilder pom =
        new PomBuilder()
            .repository("mine", "https://example.org/m2")
            .fragment(
                "<?xml version=\"1.0\"?>"
                    + "<dependency><groupId>x</groupId><artifactId>y</artifactId><version>1</version></dependency>"
                    + "<dependencies><dependency><groupId>p</groupId><artifactId>q</artifactId>"
                    + "<version>2</version></dependency></dependencies>"
                    + "<repository><id>r</id><url>file:///tmp/r</url></repository>"
                    + "<properties><v>3</v></properties>");
    String xml = pom.build();
    assertTrue(xml.contains("<artifactId>y</artifactId>"), xml);
    assertTrue(xml.contains("<artifactId>q</artifactId>"), xml);
    assertTrue(xml.contains("<id>mine</id><url>https://example.org/m2</url>"), xml);
    assertTrue(xml.contains("<id>r</id><url>file:///tmp/r</url>"), xml);
    assertTrue(xml.contains("<properties><v>3</v></properties>"), xml);
    assertEquals(1, xml.split("<dependencies>", -1).length - 1, "one dependencies section");
  }

  @Test
  void fragmentRejectsUnknownElementsAndBadXml() {
    var unknown =
        assertThrows(IllegalArgumentException.class, () -> new PomBuilder().fragment("<build/>"));
    assertTrue(
        unknown.getMessage().startsWith("unsupported element <build>"), unknown.getMessage());
    var bad = assertThrows(IllegalArgumentException.class, () -> new PomBuilder().fragment("<a>"));
    assertTrue(bad.getMessage().startsWith("the POM fragment is not well-formed XML"));
  }

  @Test
  void magicArgumentsSplitAtSpacesAndKeepQuotedWords() {
    assertEquals(List.of("a", "b c", "d"), Magics.split("  a \"b c\"\td "));
    assertEquals(List.of(), Magics.split("   "));
  }
}
