package org.beit4j.io;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * A file of named arrays (parameters, optimiser moments, k-means centres) in ND4J's binary array
 * format, exact to the bit: a header line, the count, then (name, array) pairs in order.
 */
public final class NamedArrays {

  private static final String MAGIC = "beit4j-named-arrays-1";

  private NamedArrays() {}

  /** Writes {@code arrays} in iteration order (not atomic: use {@link AtomicFiles} around it). */
  public static void write(Path file, Map<String, INDArray> arrays) throws IOException {
    try (DataOutputStream out =
        new DataOutputStream(new BufferedOutputStream(Files.newOutputStream(file)))) {
      out.writeUTF(MAGIC);
      out.writeInt(arrays.size());
      for (Map.Entry<String, INDArray> e : arrays.entrySet()) {
        out.writeUTF(e.getKey());
        Nd4j.write(e.getValue(), out);
      }
    }
  }

  /**
   * Reads a file written by {@link #write}.
   *
   * @throws IOException naming the file when it is not such a file or is truncated
   */
  public static Map<String, INDArray> read(Path file) throws IOException {
    try (DataInputStream in =
        new DataInputStream(new BufferedInputStream(Files.newInputStream(file)))) {
      String magic = in.readUTF();
      if (!MAGIC.equals(magic)) {
        throw new IOException(file + " is not a beit4j named-array file (header " + magic + ")");
      }
      int count = in.readInt();
      Map<String, INDArray> out = new LinkedHashMap<>();
      for (int i = 0; i < count; i++) {
        String name = in.readUTF();
        out.put(name, Nd4j.read(in));
      }
      return out;
    } catch (IOException e) {
      throw e;
    } catch (RuntimeException e) {
      throw new IOException(file + " is corrupt: " + e.getMessage(), e);
    }
  }
}
