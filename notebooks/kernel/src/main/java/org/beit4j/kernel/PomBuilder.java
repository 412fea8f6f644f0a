package org.beit4j.kernel;

import java.io.StringReader;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.transform.OutputKeys;
import javax.xml.transform.TransformerFactory;
import javax.xml.transform.dom.DOMSource;
import javax.xml.transform.stream.StreamResult;
import org.w3c.dom.Element;
import org.w3c.dom.Node;
import org.xml.sax.InputSource;

/**
 * Writes the throw-away POM that Maven resolves for {@code %maven} and {@code %%loadFromPOM}: a
 * {@code pom}-packaged project holding the requested dependencies and repositories.
 */
final class PomBuilder {

  private final List<String> dependencies = new ArrayList<>();
  private final Map<String, String> repositories = new LinkedHashMap<>();
  private final List<String> extraSections = new ArrayList<>();

  /**
   * Adds a dependency given as IJava/Aether coordinates {@code
   * group:artifact[:extension[:classifier]]:version}.
   */
  PomBuilder coordinate(String coordinate) {
    String[] p = coordinate.trim().split(":", -1);
    for (String part : p) {
      if (part.isBlank()) {
        throw new IllegalArgumentException("empty part in Maven coordinate '" + coordinate + "'");
      }
    }
    StringBuilder xml = new StringBuilder("<dependency>");
    switch (p.length) {
      case 3 -> xml.append(tag("groupId", p[0]) + tag("artifactId", p[1]) + tag("version", p[2]));
      case 4 ->
          xml.append(
              tag("groupId", p[0])
                  + tag("artifactId", p[1])
                  + tag("type", p[2])
                  + tag("version", p[3]));
      case 5 ->
          xml.append(
              tag("groupId", p[0])
                  + tag("artifactId", p[1])
                  + tag("type", p[2])
                  + tag("classifier", p[3])
                  + tag("version", p[4]));
      default ->
          throw new IllegalArgumentException(
              "Maven coordinate '"
                  + coordinate
                  + "' is not group:artifact[:extension[:classifier]]:version");
    }
    dependencies.add(xml.append("</dependency>").toString());
    return this;
  }

  /** Adds a remote repository ({@code %mavenRepo id url}). */
  PomBuilder repository(String id, String url) {
    repositories.put(id, url);
    return this;
  }

  /**
   * Adds a POM fragment as IJava's {@code %%loadFromPOM} takes it: any mix of {@code <dependency>},
   * {@code <dependencies>}, {@code <repository>}, {@code <repositories>}, {@code <properties>} and
   * {@code <dependencyManagement>} elements.
   */
  PomBuilder fragment(String xml) {
    String body = xml.replaceFirst("^\\s*<\\?xml[^>]*\\?>", "");
    Element root;
    try {
      root =
          DocumentBuilderFactory.newInstance()
              .newDocumentBuilder()
              .parse(new InputSource(new StringReader("<fragment>" + body + "</fragment>")))
              .getDocumentElement();
    } catch (Exception e) {
      throw new IllegalArgumentException(
          "the POM fragment is not well-formed XML: " + e.getMessage());
    }
    for (Element child : children(root)) {
      switch (child.getTagName()) {
        case "dependency" -> dependencies.add(serialize(child));
        case "dependencies" -> children(child).forEach(d -> dependencies.add(serialize(d)));
        case "repository" -> extraRepository(child);
        case "repositories" -> children(child).forEach(this::extraRepository);
        case "properties", "dependencyManagement" -> extraSections.add(serialize(child));
        default ->
            throw new IllegalArgumentException(
                "unsupported element <"
                    + child.getTagName()
                    + "> in the POM fragment (use dependencies, repositories, properties,"
                    + " dependencyManagement, or a whole <project>)");
      }
    }
    return this;
  }

  private void extraRepository(Element repository) {
    String id = text(repository, "id");
    String url = text(repository, "url");
    if (url.isEmpty()) {
      throw new IllegalArgumentException("a <repository> in the POM fragment has no <url>");
    }
    repository(id.isEmpty() ? "repo" + repositories.size() : id, url);
  }

  boolean isEmpty() {
    return dependencies.isEmpty();
  }

  /** The whole POM. */
  String build() {
    StringBuilder pom = new StringBuilder();
    pom.append("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n")
        .append("<project xmlns=\"http://maven.apache.org/POM/4.0.0\">\n")
        .append("  <modelVersion>4.0.0</modelVersion>\n")
        .append("  <groupId>org.beit4j.kernel</groupId>\n")
        .append("  <artifactId>notebook-dependencies</artifactId>\n")
        .append("  <version>1</version>\n")
        .append("  <packaging>pom</packaging>\n");
    extraSections.forEach(s -> pom.append("  ").append(s).append('\n'));
    if (!repositories.isEmpty()) {
      pom.append("  <repositories>\n");
      repositories.forEach(
          (id, url) ->
              pom.append("    <repository>" + tag("id", id) + tag("url", url) + "</repository>\n"));
      pom.append("  </repositories>\n");
    }
    pom.append("  <dependencies>\n");
    dependencies.forEach(d -> pom.append("    ").append(d).append('\n'));
    pom.append("  </dependencies>\n</project>\n");
    return pom.toString();
  }

  private static String tag(String name, String value) {
    return "<" + name + ">" + escape(value) + "</" + name + ">";
  }

  private static String escape(String s) {
    return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
  }

  private static List<Element> children(Element parent) {
    List<Element> out = new ArrayList<>();
    for (Node n = parent.getFirstChild(); n != null; n = n.getNextSibling()) {
      if (n instanceof Element e) {
        out.add(e);
      }
    }
    return out;
  }

  private static String text(Element parent, String child) {
    for (Element e : children(parent)) {
      if (e.getTagName().equals(child)) {
        return e.getTextContent().trim();
      }
    }
    return "";
  }

  private static String serialize(Element element) {
    try {
      var transformer = TransformerFactory.newInstance().newTransformer();
      transformer.setOutputProperty(OutputKeys.OMIT_XML_DECLARATION, "yes");
      StringWriter out = new StringWriter();
      transformer.transform(new DOMSource(element), new StreamResult(out));
      return out.toString();
    } catch (Exception e) {
      throw new IllegalStateException("cannot write POM element <" + element.getTagName() + ">", e);
    }
  }
}
