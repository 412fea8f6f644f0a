package org.beit4j.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

class SafetensorsReaderTest {

  static Path fixture(String name) {
    return Path.of("src/test/resources/fixtures/beit", name);
  }

  /** A safetensors file with the given JSON header and data bytes. */
  static Path write(Path dir, String header, byte[] data) throws IOException {
    byte[] h = header.getBytes(StandardCharsets.UTF_8);
    ByteBuffer buf = ByteBuffer.allocate(8 + h.length + data.length).order(ByteOrder.LITTLE_ENDIAN);
    buf.putLong(h.length).put(h).put(data);
    Path file = dir.resolve("t.safetensors");
    Files.write(file, buf.array());
    return file;
  }

  @Test
  void readsEveryFloatDtypeAndInt64Exactly() throws IOException {
    Map<String, INDArray> t = SafetensorsReader.read(fixture("dtypes.safetensors"));
    assertEquals(
        java.util.List.of("f32", "f64", "f16", "bf16", "i64"), t.keySet().stream().toList());
    double[] values = {-2.5, 0, 1, 3.140625, -0.0078125, 65504};
    for (String name : new String[] {"f32", "f64", "f16"}) {
      assertEquals(DataType.FLOAT, t.get(name).dataType(), name);
      assertArrayEquals(values, t.get(name).toDoubleVector(), 0.0, name);
    }
    double[] bf16 = values.clone();
    bf16[5] = 65536; // 65504 needs 11 significant bits; bf16 keeps 8
    assertArrayEquals(bf16, t.get("bf16").toDoubleVector(), 0.0);
    INDArray i64 = t.get("i64");
    assertEquals(DataType.LONG, i64.dataType());
    assertArrayEquals(new long[] {2, 3}, i64.shape());
    assertEquals(5L, i64.getLong(1, 2));
    assertEquals(
        DataType.DOUBLE,
        SafetensorsReader.read(fixture("dtypes.safetensors"), DataType.DOUBLE)
            .get("f16")
            .dataType());
  }

  @Test
  void halfPrecisionSpecialValues() {
    assertEquals(1.0f, SafetensorsReader.halfToFloat((short) 0x3c00));
    assertEquals(0x1p-24f, SafetensorsReader.halfToFloat((short) 0x0001)); // smallest subnormal
    assertEquals(-0.0f, SafetensorsReader.halfToFloat((short) 0x8000));
    assertEquals(Float.NEGATIVE_INFINITY, SafetensorsReader.halfToFloat((short) 0xfc00));
    assertTrue(Float.isNaN(SafetensorsReader.halfToFloat((short) 0x7e00)));
    assertEquals(65504f, SafetensorsReader.halfToFloat((short) 0x7bff)); // largest finite
  }

  @Test
  void readsTheTinyBeitStateDict() throws IOException {
    Map<String, INDArray> t = SafetensorsReader.read(fixture("tiny_beit.safetensors"));
    assertEquals(42, t.size());
    assertArrayEquals(new long[] {96, 32}, t.get("blocks.1.attn.qkv.weight").shape());
    assertArrayEquals(
        new long[] {172, 2}, t.get("rel_pos_bias.relative_position_bias_table").shape());
  }

  @Test
  void rejectsBadFilesNamingTheProblem(@TempDir Path dir) throws IOException {
    byte[] full = Files.readAllBytes(fixture("dtypes.safetensors"));
    Path truncated = dir.resolve("cut.safetensors");
    Files.write(truncated, Arrays.copyOf(full, full.length - 10));
    IOException cut = assertThrows(IOException.class, () -> SafetensorsReader.read(truncated));
    assertTrue(
        cut.getMessage().contains("tensor i64") && cut.getMessage().contains("data_offsets"),
        cut.getMessage());

    Path u8 =
        write(dir, "{\"x\":{\"dtype\":\"U8\",\"shape\":[2],\"data_offsets\":[0,2]}}", new byte[2]);
    IOException dtype = assertThrows(IOException.class, () -> SafetensorsReader.read(u8));
    assertTrue(dtype.getMessage().contains("tensor x has dtype U8"), dtype.getMessage());

    Path wrongSize =
        write(dir, "{\"x\":{\"dtype\":\"F32\",\"shape\":[3],\"data_offsets\":[0,8]}}", new byte[8]);
    IOException size = assertThrows(IOException.class, () -> SafetensorsReader.read(wrongSize));
    assertTrue(size.getMessage().contains("F32 [3]"), size.getMessage());

    Path notJson = write(dir, "{not json", new byte[0]);
    assertTrue(
        assertThrows(IOException.class, () -> SafetensorsReader.read(notJson))
            .getMessage()
            .contains("not valid JSON"));
    Path tiny = dir.resolve("tiny");
    Files.write(tiny, new byte[] {1, 2, 3});
    assertThrows(IOException.class, () -> SafetensorsReader.read(tiny));
  }
}
