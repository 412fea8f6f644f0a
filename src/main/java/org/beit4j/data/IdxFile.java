package org.beit4j.data;

import java.io.BufferedInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.zip.GZIPInputStream;
import java.util.zip.ZipException;

/**
 * An unsigned-byte IDX file (the format of MNIST and Fashion-MNIST), read fully into memory.
 *
 * <p>Layout (all integers big-endian): magic {@code 00 00 08 n} (type 0x08 = unsigned byte, {@code
 * n} dimensions), then {@code n} int32 sizes, then {@code prod(sizes)} bytes, row-major. Files
 * whose first two bytes are the gzip magic {@code 1f 8b} are decompressed on the fly. Offsets in
 * errors are offsets in the decompressed content.
 *
 * @param file where the data came from
 * @param dims the sizes, e.g. {@code [60000, 28, 28]}
 * @param data {@code prod(dims)} unsigned bytes, row-major
 */
public record IdxFile(Path file, int[] dims, byte[] data) {

  /** IDX type code for unsigned bytes, the only type Fashion-MNIST uses. */
  public static final int TYPE_UBYTE = 0x08;

  private static final int MAX_DIMS = 8;

  /** Validates that the data length matches the dimensions. */
  public IdxFile {
    long n = 1;
    for (int d : dims) {
      n *= d;
    }
    if (n != data.length) {
      throw new IllegalArgumentException(
          "data.length = " + data.length + " but dims " + Arrays.toString(dims) + " need " + n);
    }
  }

  /**
   * Reads and validates an IDX file (gzipped or not).
   *
   * @param file the file
   * @param fix the remedy appended to every error message (e.g. a reinstall command), may be ""
   * @throws DatasetException if the file is missing
   * @throws IdxFormatException if the file is unreadable, truncated or malformed
   */
  public static IdxFile read(Path file, String fix) {
    try (InputStream raw = new BufferedInputStream(Files.newInputStream(file), 1 << 16)) {
      raw.mark(2);
      int b0 = raw.read();
      int b1 = raw.read();
      raw.reset();
      boolean gzip = b0 == 0x1f && b1 == 0x8b;
      InputStream in = gzip ? new GZIPInputStream(raw, 1 << 16) : raw;
      return parse(file, in, fix);
    } catch (NoSuchFileException e) {
      throw new DatasetException(file + ": file not found." + (fix.isEmpty() ? "" : " " + fix), e);
    } catch (IOException e) {
      throw new IdxFormatException(file, 0, "file", "cannot be read (" + e + ")", fix);
    }
  }

  private static IdxFile parse(Path file, InputStream in, String fix) throws IOException {
    Reader r = new Reader(file, in, fix);
    byte[] magic = r.bytes(4, "magic");
    if (magic[0] != 0 || magic[1] != 0 || (magic[2] & 0xff) != TYPE_UBYTE) {
      throw new IdxFormatException(
          file,
          0,
          "magic",
          String.format(
              "wrong magic number %02x %02x %02x %02x (expected 00 00 08 <dims>, unsigned-byte IDX)",
              magic[0], magic[1], magic[2], magic[3]),
          fix);
    }
    int ndims = magic[3] & 0xff;
    if (ndims < 1 || ndims > MAX_DIMS) {
      throw new IdxFormatException(
          file,
          3,
          "magic",
          "bad number of dimensions " + ndims + " (expected 1.." + MAX_DIMS + ")",
          fix);
    }
    int[] dims = new int[ndims];
    long total = 1;
    for (int i = 0; i < ndims; i++) {
      long offset = r.offset;
      byte[] b = r.bytes(4, "dim" + i);
      int d = ((b[0] & 0xff) << 24) | ((b[1] & 0xff) << 16) | ((b[2] & 0xff) << 8) | (b[3] & 0xff);
      if (d <= 0) {
        throw new IdxFormatException(file, offset, "dim" + i, "bad size " + d, fix);
      }
      dims[i] = d;
      total *= d;
    }
    if (total > Integer.MAX_VALUE - 16) {
      throw new IdxFormatException(
          file, r.offset, "data", "too large: " + Arrays.toString(dims) + " bytes", fix);
    }
    r.context = " for dims " + Arrays.toString(dims);
    byte[] data = r.bytes((int) total, "data");
    if (r.readByte() >= 0) {
      throw new IdxFormatException(
          file,
          r.offset - 1,
          "trailing",
          "unexpected bytes after the " + total + " data bytes of " + Arrays.toString(dims),
          fix);
    }
    return new IdxFile(file, dims, data);
  }

  /** Number of items, {@code dims[0]}. */
  public int count() {
    return dims[0];
  }

  /** Reads with an offset counter and turns short reads and gzip errors into IDX errors. */
  private static final class Reader {
    private final Path file;
    private final InputStream in;
    private final String fix;
    long offset;
    String context = "";

    Reader(Path file, InputStream in, String fix) {
      this.file = file;
      this.in = in;
      this.fix = fix;
    }

    byte[] bytes(int n, String field) {
      byte[] out = new byte[n];
      int got = 0;
      try {
        while (got < n) {
          int k = in.read(out, got, n - got);
          if (k < 0) {
            break;
          }
          got += k;
        }
      } catch (EOFException e) {
        // gzip stream cut short: fall through to the truncation error below
      } catch (ZipException e) {
        throw new IdxFormatException(
            file, offset + got, field, "corrupt gzip data (" + e.getMessage() + ")", fix);
      } catch (IOException e) {
        throw new IdxFormatException(file, offset + got, field, "read error (" + e + ")", fix);
      }
      if (got < n) {
        throw new IdxFormatException(
            file,
            offset + got,
            field,
            "truncated (expected " + n + " bytes of " + field + context + ", found " + got + ")",
            fix);
      }
      offset += n;
      return out;
    }

    int readByte() {
      try {
        int b = in.read();
        if (b >= 0) {
          offset++;
        }
        return b;
      } catch (IOException e) {
        throw new IdxFormatException(file, offset, "trailing", "read error (" + e + ")", fix);
      }
    }
  }
}
