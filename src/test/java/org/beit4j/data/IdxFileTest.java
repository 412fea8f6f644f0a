package org.beit4j.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class IdxFileTest {

  private static final String FIX = "Reinstall: test-fix";

  @TempDir Path dir;

  /** An unsigned-byte IDX file: magic 00 00 08 n, n big-endian sizes, then the data. */
  static byte[] idx(int[] dims, byte[] data) {
    ByteBuffer b = ByteBuffer.allocate(4 + 4 * dims.length + data.length);
    b.put(new byte[] {0, 0, 8, (byte) dims.length});
    for (int d : dims) {
      b.putInt(d);
    }
    b.put(data);
    return b.array();
  }

  static byte[] gzip(byte[] raw) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (GZIPOutputStream gz = new GZIPOutputStream(out)) {
      gz.write(raw);
    }
    return out.toByteArray();
  }

  private static byte[] ramp(int n) {
    byte[] d = new byte[n];
    for (int i = 0; i < n; i++) {
      d[i] = (byte) (i * 7);
    }
    return d;
  }

  @Test
  void readsGzippedAndPlainFiles() throws IOException {
    byte[] data = ramp(3 * 2 * 4);
    byte[] raw = idx(new int[] {3, 2, 4}, data);
    Path plain = Files.write(dir.resolve("a-idx3-ubyte"), raw);
    Path gz = Files.write(dir.resolve("a-idx3-ubyte.gz"), gzip(raw));
    for (Path p : new Path[] {plain, gz}) {
      IdxFile f = IdxFile.read(p, FIX);
      assertArrayEquals(new int[] {3, 2, 4}, f.dims());
      assertEquals(3, f.count());
      assertArrayEquals(data, f.data());
    }
    assertEquals((byte) (23 * 7), IdxFile.read(gz, FIX).data()[23]);
  }

  @Test
  void wrongMagicNamesFileFieldOffsetAndFix() throws IOException {
    byte[] raw = idx(new int[] {2}, new byte[] {1, 2});
    raw[2] = 0x0d; // float type instead of unsigned byte
    Path p = Files.write(dir.resolve("bad-magic.gz"), gzip(raw));
    IdxFormatException e = assertThrows(IdxFormatException.class, () -> IdxFile.read(p, FIX));
    assertEquals("magic", e.field());
    assertEquals(0, e.offset());
    assertEquals(p, e.file());
    assertTrue(e.getMessage().startsWith(p.toString()), e.getMessage());
    assertTrue(e.getMessage().contains("wrong magic number 00 00 0d 01"), e.getMessage());
    assertTrue(e.getMessage().endsWith(FIX), e.getMessage());
  }

  @Test
  void truncatedDataReportsOffsetOfTheEnd() throws IOException {
    byte[] raw = idx(new int[] {5, 3, 3}, ramp(45));
    byte[] cut = Arrays.copyOf(raw, raw.length - 10); // 16 header bytes + 35 data bytes
    Path p = Files.write(dir.resolve("short.gz"), gzip(cut));
    IdxFormatException e = assertThrows(IdxFormatException.class, () -> IdxFile.read(p, FIX));
    assertEquals("data", e.field());
    assertEquals(16 + 35, e.offset());
    assertTrue(
        e.getMessage().contains("expected 45 bytes of data for dims [5, 3, 3]"), e.getMessage());
    assertTrue(e.getMessage().contains("found 35"), e.getMessage());
  }

  @Test
  void truncatedHeaderReportsTheDimension() throws IOException {
    byte[] raw = idx(new int[] {5, 3, 3}, ramp(45));
    Path p = Files.write(dir.resolve("header.gz"), gzip(Arrays.copyOf(raw, 10)));
    IdxFormatException e = assertThrows(IdxFormatException.class, () -> IdxFile.read(p, FIX));
    assertEquals("dim1", e.field());
    assertEquals(10, e.offset());
  }

  @Test
  void cutGzipStreamIsReportedAsTruncation() throws IOException {
    byte[] gz = gzip(idx(new int[] {100, 10}, ramp(1000)));
    Path p = Files.write(dir.resolve("cut.gz"), Arrays.copyOf(gz, gz.length / 2));
    IdxFormatException e = assertThrows(IdxFormatException.class, () -> IdxFile.read(p, FIX));
    assertTrue(e.getMessage().contains("cut.gz"), e.getMessage());
    assertTrue(e.offset() < 12 + 1000, "offset " + e.offset());
  }

  @Test
  void corruptGzipIsReported() throws IOException {
    byte[] gz = gzip(idx(new int[] {100, 10}, ramp(1000)));
    for (int i = 12; i < gz.length - 8; i++) {
      gz[i] ^= (byte) 0x5a;
    }
    Path p = Files.write(dir.resolve("corrupt.gz"), gz);
    IdxFormatException e = assertThrows(IdxFormatException.class, () -> IdxFile.read(p, FIX));
    assertTrue(e.getMessage().contains("corrupt.gz"), e.getMessage());
  }

  @Test
  void trailingBytesAreAnError() throws IOException {
    byte[] raw = idx(new int[] {2}, new byte[] {1, 2});
    Path p = Files.write(dir.resolve("long"), Arrays.copyOf(raw, raw.length + 3));
    IdxFormatException e = assertThrows(IdxFormatException.class, () -> IdxFile.read(p, FIX));
    assertEquals("trailing", e.field());
    assertEquals(raw.length, e.offset());
  }

  @Test
  void zeroDimensionIsAnError() throws IOException {
    Path p = Files.write(dir.resolve("zero"), idx(new int[] {0, 4}, new byte[0]));
    IdxFormatException e = assertThrows(IdxFormatException.class, () -> IdxFile.read(p, FIX));
    assertEquals("dim0", e.field());
    assertEquals(4, e.offset());
  }

  @Test
  void missingFileSaysHowToFix() {
    Path p = dir.resolve("nope-idx1-ubyte.gz");
    DatasetException e = assertThrows(DatasetException.class, () -> IdxFile.read(p, FIX));
    assertEquals(p + ": file not found. " + FIX, e.getMessage());
  }
}
