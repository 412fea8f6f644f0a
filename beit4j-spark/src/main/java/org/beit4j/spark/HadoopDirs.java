package org.beit4j.spark;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;

/**
 * Files of a Spark job behind Hadoop's FileSystem API ({@code file:}, {@code hdfs:}, {@code s3a:}
 * with hadoop-aws on the cluster): local copies of the inputs, atomic uploads of checkpoints.
 *
 * <p>Inputs (image folder, IDX files, tokenizer) are copied once per JVM to a local cache and read
 * there with the library's readers; a local path or {@code file:} URI is read in place. Outputs are
 * written locally by the library's own save methods (with their manifests), then uploaded: copied
 * to a hidden {@code .NAME.tmp} directory beside the target and renamed, so a job killed mid-upload
 * leaves the previous checkpoint whole.
 */
final class HadoopDirs {

  /** Written last by every checkpoint; a directory without it is not a complete checkpoint. */
  static final String CHECKPOINT_MARK = "trainer.properties";

  private static final Map<String, Path> CACHE = new HashMap<>();

  private HadoopDirs() {}

  private static org.apache.hadoop.fs.Path hadoop(String uri) {
    return new org.apache.hadoop.fs.Path(uri);
  }

  private static FileSystem fs(String uri, Configuration conf) throws IOException {
    FileSystem fs = hadoop(uri).getFileSystem(conf);
    // the local file system would write a .crc file beside every file; the library's own
    // manifests check the artefacts
    fs.setWriteChecksum(false);
    return fs;
  }

  /** Whether {@code uri} is on this machine's file system (no scheme, or {@code file:}). */
  static boolean isLocal(String uri) {
    String scheme = URI.create(uri.replace(" ", "%20")).getScheme();
    return scheme == null || scheme.equals("file");
  }

  /** {@code child} inside the directory {@code dir}. */
  static String resolve(String dir, String child) {
    return dir.endsWith("/") ? dir + child : dir + "/" + child;
  }

  /**
   * A local path holding {@code uri}'s file or directory: the path itself when it is local, else a
   * copy made once per JVM under {@code java.io.tmpdir}.
   */
  static synchronized Path local(String uri, Configuration conf) {
    if (isLocal(uri)) {
      return Path.of(uri.startsWith("file:") ? URI.create(uri).getPath() : uri);
    }
    Path cached = CACHE.get(uri);
    if (cached != null) {
      return cached;
    }
    try {
      Path dir = Path.of(System.getProperty("java.io.tmpdir"), "beit4j-spark-cache", digest(uri));
      Path target = dir.resolve(hadoop(uri).getName());
      if (!Files.exists(target)) {
        Files.createDirectories(dir);
        fs(uri, conf)
            .copyToLocalFile(
                false, hadoop(uri), new org.apache.hadoop.fs.Path(target.toUri()), true);
      }
      CACHE.put(uri, target);
      return target;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot copy " + uri + " to this machine", e);
    }
  }

  /** Downloads {@code uri} (file or directory) to the local {@code target}. */
  static void download(String uri, Path target, Configuration conf) {
    try {
      fs(uri, conf)
          .copyToLocalFile(false, hadoop(uri), new org.apache.hadoop.fs.Path(target.toUri()), true);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot download " + uri, e);
    }
  }

  /** Whether {@code uri} exists. */
  static boolean exists(String uri, Configuration conf) {
    try {
      return fs(uri, conf).exists(hadoop(uri));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot look at " + uri, e);
    }
  }

  /**
   * Uploads the local file or directory {@code source} to {@code targetUri}, replacing what is
   * there: copied to {@code .NAME.tmp} first, then renamed.
   */
  static void upload(Path source, String targetUri, Configuration conf) {
    try {
      FileSystem fs = fs(targetUri, conf);
      org.apache.hadoop.fs.Path target = hadoop(targetUri);
      org.apache.hadoop.fs.Path tmp =
          new org.apache.hadoop.fs.Path(target.getParent(), "." + target.getName() + ".tmp");
      fs.mkdirs(target.getParent());
      fs.delete(tmp, true);
      fs.copyFromLocalFile(false, true, new org.apache.hadoop.fs.Path(source.toUri()), tmp);
      fs.delete(target, true);
      if (!fs.rename(tmp, target)) {
        throw new IOException("rename " + tmp + " -> " + target + " failed");
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot upload " + source + " to " + targetUri, e);
    }
  }

  /** Names of the complete checkpoint directories {@code prefix*} in {@code dir}, sorted. */
  static List<String> checkpoints(String dir, String prefix, Configuration conf) {
    List<String> out = new ArrayList<>();
    try {
      FileSystem fs = fs(dir, conf);
      if (!fs.exists(hadoop(dir))) {
        return out;
      }
      for (FileStatus s : fs.listStatus(hadoop(dir))) {
        String name = s.getPath().getName();
        if (s.isDirectory()
            && name.startsWith(prefix)
            && fs.exists(new org.apache.hadoop.fs.Path(s.getPath(), CHECKPOINT_MARK))) {
          out.add(name);
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot list " + dir, e);
    }
    out.sort(null);
    return out;
  }

  /** Whether {@code uri} is a file or a directory with something in it. */
  static boolean holdsFiles(String uri, Configuration conf) {
    try {
      FileSystem fs = fs(uri, conf);
      org.apache.hadoop.fs.Path p = hadoop(uri);
      return fs.exists(p) && (fs.isFile(p) || fs.listStatus(p).length > 0);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot look at " + uri, e);
    }
  }

  /** Deletes {@code uri} and what is under it. */
  static void delete(String uri, Configuration conf) {
    try {
      fs(uri, conf).delete(hadoop(uri), true);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot delete " + uri, e);
    }
  }

  /**
   * The newest complete checkpoint in {@code out}: {@code final}, else the last {@code
   * checkpoint-*}.
   */
  static Optional<String> latestCheckpoint(String out, Configuration conf) {
    if (!checkpoints(out, "final", conf).isEmpty()) {
      return Optional.of(resolve(out, "final"));
    }
    List<String> c = checkpoints(out, "checkpoint-", conf);
    return c.isEmpty() ? Optional.empty() : Optional.of(resolve(out, c.get(c.size() - 1)));
  }

  static String digest(String text) {
    try {
      byte[] h = MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(h, 0, 8);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
