package org.beit4j.nn;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.shade.jackson.databind.JsonNode;
import org.nd4j.shade.jackson.databind.ObjectMapper;

/**
 * Reads tensors from a <a href="https://huggingface.co/docs/safetensors">safetensors</a> file, the
 * format PyTorch/timm/Hugging Face checkpoints are shared in.
 *
 * <p>Layout: an unsigned 64-bit little-endian header length {@code n}, {@code n} bytes of UTF-8
 * JSON {@code {"name": {"dtype": "F32", "shape": [..], "data_offsets": [begin, end]}, ...}} (plus
 * an optional {@code "__metadata__"} string map), then the raw little-endian, row-major tensor
 * data; offsets are relative to the end of the header. Floating tensors ({@code F32}, {@code F64},
 * {@code F16}, {@code BF16}) are returned in the requested floating type, integer tensors ({@code
 * I64}, {@code I32}) as LONG / INT. Other dtypes are rejected naming the tensor.
 */
public final class SafetensorsReader {

  private static final long MAX_HEADER = 100L << 20;

  private SafetensorsReader() {}

  /** All tensors, floating ones as FLOAT, in file order. */
  public static Map<String, INDArray> read(Path file) throws IOException {
    return read(file, DataType.FLOAT);
  }

  /**
   * All tensors in file order.
   *
   * @param floatType FLOAT or DOUBLE: the type floating tensors are converted to
   * @throws IOException if the file is not valid safetensors (message names the file, and the
   *     tensor when one is at fault)
   */
  public static Map<String, INDArray> read(Path file, DataType floatType) throws IOException {
    if (floatType != DataType.FLOAT && floatType != DataType.DOUBLE) {
      throw new IllegalArgumentException("floatType must be FLOAT or DOUBLE but was " + floatType);
    }
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
      long size = ch.size();
      ByteBuffer lenBuf = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
      readFully(ch, lenBuf, 0, file);
      long n = lenBuf.getLong(0);
      if (n <= 0 || n > MAX_HEADER || 8 + n > size) {
        throw new IOException(
            file + ": not a safetensors file (header length " + n + ", file size " + size + ")");
      }
      ByteBuffer headerBuf = ByteBuffer.allocate((int) n);
      readFully(ch, headerBuf, 8, file);
      JsonNode header;
      try {
        header = new ObjectMapper().readTree(new String(headerBuf.array(), StandardCharsets.UTF_8));
      } catch (IOException e) {
        throw new IOException(file + ": safetensors header is not valid JSON: " + e.getMessage());
      }
      if (header == null || !header.isObject()) {
        throw new IOException(file + ": safetensors header is not a JSON object");
      }
      long dataStart = 8 + n;
      Map<String, INDArray> out = new LinkedHashMap<>();
      for (Iterator<Map.Entry<String, JsonNode>> it = header.fields(); it.hasNext(); ) {
        Map.Entry<String, JsonNode> e = it.next();
        if (!e.getKey().equals("__metadata__")) {
          out.put(
              e.getKey(), tensor(ch, file, e.getKey(), e.getValue(), dataStart, size, floatType));
        }
      }
      return out;
    }
  }

  private static INDArray tensor(
      FileChannel ch,
      Path file,
      String name,
      JsonNode info,
      long dataStart,
      long fileSize,
      DataType floatType)
      throws IOException {
    String where = file + ": tensor " + name;
    JsonNode shapeNode = info.get("shape");
    JsonNode offsets = info.get("data_offsets");
    if (!info.hasNonNull("dtype") || shapeNode == null || offsets == null || offsets.size() != 2) {
      throw new IOException(where + " lacks dtype, shape or data_offsets");
    }
    String dtype = info.get("dtype").asText();
    long[] shape = new long[shapeNode.size()];
    long count = 1;
    for (int i = 0; i < shape.length; i++) {
      shape[i] = shapeNode.get(i).asLong();
      if (shape[i] < 0) {
        throw new IOException(where + " has a negative dimension " + Arrays.toString(shape));
      }
      count *= shape[i];
    }
    int width = bytesPer(dtype, where);
    long begin = offsets.get(0).asLong();
    long end = offsets.get(1).asLong();
    if (begin < 0 || end - begin != count * width || dataStart + end > fileSize) {
      throw new IOException(
          where
              + " ("
              + dtype
              + " "
              + Arrays.toString(shape)
              + ") has data_offsets ["
              + begin
              + ", "
              + end
              + "], which do not fit "
              + count * width
              + " bytes inside the file");
    }
    if (count == 0) {
      throw new IOException(where + " is empty " + Arrays.toString(shape) + "; not supported");
    }
    if (count > Integer.MAX_VALUE) {
      throw new IOException(where + " has more than 2^31 values; not supported");
    }
    ByteBuffer buf =
        ch.map(FileChannel.MapMode.READ_ONLY, dataStart + begin, end - begin)
            .order(ByteOrder.LITTLE_ENDIAN);
    int m = (int) count;
    INDArray arr;
    switch (dtype) {
      case "F64" -> {
        double[] v = new double[m];
        buf.asDoubleBuffer().get(v);
        arr = Nd4j.create(v, shape, DataType.DOUBLE);
      }
      case "F32" -> {
        float[] v = new float[m];
        buf.asFloatBuffer().get(v);
        arr = Nd4j.create(v, shape, DataType.FLOAT);
      }
      case "F16", "BF16" -> {
        boolean bf = dtype.equals("BF16");
        float[] v = new float[m];
        for (int i = 0; i < m; i++) {
          short bits = buf.getShort(2 * i);
          v[i] = bf ? Float.intBitsToFloat((bits & 0xffff) << 16) : halfToFloat(bits);
        }
        arr = Nd4j.create(v, shape, DataType.FLOAT);
      }
      case "I64" -> {
        long[] v = new long[m];
        buf.asLongBuffer().get(v);
        return Nd4j.createFromArray(v).reshape(shape);
      }
      default -> { // I32: bytesPer rejected everything else
        int[] v = new int[m];
        buf.asIntBuffer().get(v);
        return Nd4j.createFromArray(v).reshape(shape);
      }
    }
    return arr.dataType() == floatType ? arr : arr.castTo(floatType);
  }

  private static int bytesPer(String dtype, String where) throws IOException {
    return switch (dtype) {
      case "F64", "I64" -> 8;
      case "F32", "I32" -> 4;
      case "F16", "BF16" -> 2;
      default ->
          throw new IOException(
              where + " has dtype " + dtype + "; supported: F32, F64, F16, BF16, I64, I32");
    };
  }

  /** IEEE 754 half precision bits to float (exact: every half is a float). */
  static float halfToFloat(short half) {
    int bits = half & 0xffff;
    int sign = (bits & 0x8000) << 16;
    int exp = (bits >>> 10) & 0x1f;
    int mant = bits & 0x3ff;
    if (exp == 0) { // zero or subnormal: mant * 2^-24
      float magnitude = mant * 0x1p-24f;
      return sign != 0 ? -magnitude : magnitude;
    }
    if (exp == 31) { // infinity or NaN
      return Float.intBitsToFloat(sign | 0x7f800000 | (mant << 13));
    }
    return Float.intBitsToFloat(sign | ((exp + 112) << 23) | (mant << 13)); // rebias 15 -> 127
  }

  private static void readFully(FileChannel ch, ByteBuffer buf, long position, Path file)
      throws IOException {
    long pos = position;
    while (buf.hasRemaining()) {
      int r = ch.read(buf, pos);
      if (r < 0) {
        throw new IOException(file + ": truncated safetensors file");
      }
      pos += r;
    }
  }
}
