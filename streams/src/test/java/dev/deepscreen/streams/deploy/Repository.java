package dev.deepscreen.streams.deploy;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import javax.xml.parsers.DocumentBuilderFactory;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.Node;

/** The repository the tests run in: its root, its files and the root pom's settings. */
final class Repository {
  private Repository() {}

  /** The repository root: the nearest ancestor of the working directory with the compose file. */
  static Path root() {
    Path dir = Path.of("").toAbsolutePath();
    while (dir != null) {
      if (Files.isRegularFile(dir.resolve("docker-compose.yml"))
          && Files.isRegularFile(dir.resolve("pom.xml")) && Files.isDirectory(dir.resolve("k8s"))) {
        return dir;
      }
      dir = dir.getParent();
    }
    throw new IllegalStateException("no repository root above " + Path.of("").toAbsolutePath());
  }

  static Path file(String relative) {
    return root().resolve(relative);
  }

  static String read(String relative) {
    try {
      return Files.readString(file(relative), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The project version (the root pom's). */
  static String projectVersion() {
    return childText(pom("pom.xml").getDocumentElement(), "version");
  }

  /** A property of the root pom, such as {@code kafka.version}. */
  static String rootProperty(String name) {
    Element properties = child(pom("pom.xml").getDocumentElement(), "properties");
    return childText(properties, name);
  }

  static Document pom(String relative) {
    try {
      DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
      factory.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
      return factory.newDocumentBuilder().parse(file(relative).toFile());
    } catch (Exception e) {
      throw new IllegalStateException("cannot read " + relative, e);
    }
  }

  static Element child(Element parent, String name) {
    for (Node n = parent.getFirstChild(); n != null; n = n.getNextSibling()) {
      if (n instanceof Element e && e.getTagName().equals(name)) {
        return e;
      }
    }
    throw new IllegalStateException("no <" + name + "> in <" + parent.getTagName() + ">");
  }

  static String childText(Element parent, String name) {
    return child(parent, name).getTextContent().trim();
  }
}
