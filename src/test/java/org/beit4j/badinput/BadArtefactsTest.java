package org.beit4j.badinput;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.beit4j.badinput.ArtefactFixtures.Kind;
import org.beit4j.io.ArtefactException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every artefact kind, damaged every way a disk, a copy or a user can damage it, must fail to load
 * with an {@link ArtefactException} that names the file, the kind and the problem; none loads
 * silently. Artefacts without a manifest (written before manifests) still load, and fail clearly
 * when truncated.
 */
class BadArtefactsTest {

  /** A way to damage the artefact copied to {@code root}, and words its message must contain. */
  enum Damage {
    EMPTIED("is truncated: 0 of"),
    TRUNCATED_QUARTER("is truncated"),
    TRUNCATED_HALF("is truncated"),
    TRUNCATED_100_SHORT("is truncated"),
    APPENDED("is longer than recorded"),
    FLIPPED_BYTE("is corrupted"),
    RANDOM_4K_IN_THE_MIDDLE("is corrupted"),
    DIRECTORY_INSTEAD_OF_FILE("directory", "no "),
    NEWER_FORMAT("newer than this beit4j reads"),
    MANIFEST_OF_ANOTHER_KIND("holds a 'teacher-onnx' artefact"),
    NO_MANIFEST_EMPTIED("unreadable", "is not a", "Not a valid"),
    NO_MANIFEST_TRUNCATED_HALF("unreadable", "truncated", "Not a valid"),
    NO_MANIFEST_TRUNCATED_100_SHORT("unreadable", "truncated", "Not a valid");

    final List<String> expected;

    Damage(String... expected) {
      this.expected = List.of(expected);
    }
  }

  static Stream<Arguments> cases() {
    List<Arguments> all = new ArrayList<>();
    for (Kind k : ArtefactFixtures.KINDS) {
      for (Damage d : Damage.values()) {
        all.add(Arguments.of(k, d));
      }
    }
    return all.stream();
  }

  static Stream<Arguments> swaps() {
    List<Arguments> all = new ArrayList<>();
    for (Kind loader : ArtefactFixtures.KINDS) {
      for (Kind other : ArtefactFixtures.KINDS) {
        if (loader != other) {
          all.add(Arguments.of(loader, other));
        }
      }
    }
    return all.stream();
  }

  @ParameterizedTest(name = "{0} {1}")
  @MethodSource("cases")
  void damagedArtefactFailsWithAClearMessage(Kind kind, Damage damage, @TempDir Path tmp)
      throws IOException {
    Path root = copy(tmp);
    Path main = root.resolve(kind.dir()).resolve(kind.mainFile());
    long size = Files.size(main);
    switch (damage) {
      case EMPTIED -> truncate(main, 0);
      case TRUNCATED_QUARTER -> truncate(main, size / 4);
      case TRUNCATED_HALF -> truncate(main, size / 2);
      case TRUNCATED_100_SHORT -> truncate(main, size - 100);
      case APPENDED ->
          Files.write(main, new byte[] {1, 2, 3}, StandardOpenOption.APPEND); // 3 bytes more
      case FLIPPED_BYTE -> flip(main, size / 2, 1);
      case RANDOM_4K_IN_THE_MIDDLE -> flip(main, size / 4, Math.min(4096, size / 2));
      case DIRECTORY_INSTEAD_OF_FILE -> {
        Files.delete(main);
        Files.createDirectories(main);
      }
      case NEWER_FORMAT -> editManifest(kind, root, "version=1", "version=99");
      case MANIFEST_OF_ANOTHER_KIND -> editManifest(kind, root, "kind=", "kind=teacher-onnx\n#");
      case NO_MANIFEST_EMPTIED -> {
        Files.delete(kind.manifest(root));
        truncate(main, 0);
      }
      case NO_MANIFEST_TRUNCATED_HALF -> {
        Files.delete(kind.manifest(root));
        truncate(main, size / 2);
      }
      case NO_MANIFEST_TRUNCATED_100_SHORT -> {
        Files.delete(kind.manifest(root));
        truncate(main, size - 100);
      }
    }
    Path path = kind.path(root);
    ArtefactException e = assertThrows(ArtefactException.class, () -> kind.load().apply(path));
    String m = e.getMessage();
    assertTrue(m.startsWith("Cannot load " + kind.kind() + " from "), m);
    assertTrue(m.contains(kind.dir()), "names the artefact: " + m);
    assertTrue(damage.expected.stream().anyMatch(m::contains), damage.expected + " in: " + m);
    assertEquals(kind.kind(), e.kind());
    assertNotNull(e.path());
  }

  @ParameterizedTest(name = "{0} loader on a {1}")
  @MethodSource("swaps")
  void anotherKindOfArtefactIsRefusedByName(Kind loader, Kind other, @TempDir Path tmp)
      throws IOException {
    Path root = copy(tmp);
    // the other artefact's directory, and its main file (e.g. a checkpoint's params.bin as a
    // backbone)
    Path otherDir = root.resolve(other.dir());
    for (Path wrong : List.of(otherDir, otherDir.resolve(other.mainFile()))) {
      ArtefactException e = assertThrows(ArtefactException.class, () -> loader.load().apply(wrong));
      String m = e.getMessage();
      assertTrue(m.startsWith("Cannot load " + loader.kind() + " from "), m);
      assertTrue(
          m.contains("holds a '" + other.kind() + "'") || m.contains("no " + loader.mainFile()), m);
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("kinds")
  void intactArtefactsLoadWithOrWithoutAManifestAndByFileOrFolder(Kind kind, @TempDir Path tmp)
      throws IOException {
    Path root = copy(tmp);
    assertNotNull(kind.load().apply(kind.path(root)));
    Path other =
        kind.singleFile()
            ? root.resolve(kind.dir())
            : root.resolve(kind.dir()).resolve(kind.mainFile());
    assertNotNull(kind.load().apply(other), "the folder of a file artefact, a file of a folder");
    Files.delete(kind.manifest(root)); // as written by beit4j before manifests: loads, warns
    assertNotNull(kind.load().apply(kind.path(root)));
  }

  static Stream<Kind> kinds() {
    return ArtefactFixtures.KINDS.stream();
  }

  @Test
  void nothingAtThePathNamesIt(@TempDir Path tmp) {
    for (Kind kind : ArtefactFixtures.KINDS) {
      Path none = tmp.resolve("no-such-" + kind.dir().replace('/', '-'));
      ArtefactException e = assertThrows(ArtefactException.class, () -> kind.load().apply(none));
      assertTrue(e.getMessage().contains(none + ": nothing there"), e.getMessage());
    }
  }

  private static Path copy(Path tmp) throws IOException {
    Path src = ArtefactFixtures.root();
    Path dst = tmp.resolve("run");
    try (Stream<Path> walk = Files.walk(src)) {
      for (Path p : walk.toList()) {
        Path t = dst.resolve(src.relativize(p).toString());
        if (Files.isDirectory(p)) {
          Files.createDirectories(t);
        } else {
          Files.copy(p, t);
        }
      }
    }
    return dst;
  }

  private static void truncate(Path file, long length) throws IOException {
    try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "rw")) {
      f.setLength(Math.max(0, length));
    }
  }

  /** Overwrites {@code n} bytes from {@code at} with bytes that differ from the old ones. */
  private static void flip(Path file, long at, long n) throws IOException {
    byte[] all = Files.readAllBytes(file);
    Random r = new Random(16);
    for (long i = at; i < at + n; i++) {
      all[(int) i] = (byte) (all[(int) i] ^ (1 + r.nextInt(255)));
    }
    Files.write(file, all);
  }

  private static void editManifest(Kind kind, Path root, String from, String to)
      throws IOException {
    Path m = kind.manifest(root);
    String text = Files.readString(m, StandardCharsets.UTF_8);
    assertTrue(text.contains(from), text);
    Files.writeString(m, text.replace(from, to), StandardCharsets.UTF_8);
  }
}
