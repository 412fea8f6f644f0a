package org.beit4j.io;

import java.io.IOException;
import java.io.Reader;
import java.io.StringReader;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.lang.reflect.Constructor;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.RecordComponent;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Function;

/**
 * The one way beit4j persists a configuration record: flat properties by name and value ({@code
 * vit.depth=6}), read back strictly through the record's validating constructor. A missing key, an
 * unknown key or a malformed value fails with a message naming the keys. Supports components of
 * type int, long, double, boolean, String, enums, {@code float[]} (comma-separated) and nested
 * records.
 *
 * <p>Files written by older versions are read through a {@link Legacy} mapping: renamed keys and
 * values for keys that did not exist yet.
 */
public final class RecordProperties {

  private RecordProperties() {}

  /**
   * How the keys of an older layout map to today's.
   *
   * @param renamed old key to new key
   * @param added values of keys the old layout did not have, from the renamed keys
   */
  public record Legacy(
      Map<String, String> renamed, Function<Map<String, String>, Map<String, String>> added) {

    /** No older layout. */
    public static final Legacy NONE = new Legacy(Map.of(), m -> Map.of());

    /** Whether {@code values} look like the old layout (any renamed key present). */
    public boolean matches(Map<String, String> values) {
      return renamed.keySet().stream().anyMatch(values::containsKey);
    }

    /** {@code values} with the old keys renamed and the added keys filled in. */
    public Map<String, String> apply(Map<String, String> values) {
      Map<String, String> out = new TreeMap<>();
      values.forEach((k, v) -> out.put(renamed.getOrDefault(k, k), v));
      added.apply(out).forEach(out::putIfAbsent);
      return out;
    }
  }

  /** {@code record} as dotted keys in component order. */
  public static Map<String, String> flatten(Record record) {
    Map<String, String> out = new LinkedHashMap<>();
    flatten(record, "", out);
    return out;
  }

  private static void flatten(Record record, String prefix, Map<String, String> out) {
    for (RecordComponent c : record.getClass().getRecordComponents()) {
      Object value = get(c, record);
      if (value instanceof Record nested) {
        flatten(nested, prefix + c.getName() + ".", out);
      } else if (value instanceof float[] fs) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < fs.length; i++) {
          sb.append(i == 0 ? "" : ",").append(fs[i]);
        }
        out.put(prefix + c.getName(), sb.toString());
      } else if (value instanceof Enum<?> e) {
        out.put(prefix + c.getName(), e.name());
      } else {
        out.put(prefix + c.getName(), String.valueOf(value));
      }
    }
  }

  /**
   * Rebuilds a record from {@link #flatten}'s keys (its constructor validates).
   *
   * @throws IllegalArgumentException naming every missing and every unknown key, or a bad value
   */
  public static <R extends Record> R unflatten(Class<R> type, Map<String, String> values) {
    Set<String> used = new HashSet<>();
    List<String> missing = new ArrayList<>();
    R r = build(type, "", values, used, missing);
    Set<String> unknown = new TreeSet<>(values.keySet());
    unknown.removeAll(used);
    if (!missing.isEmpty() || !unknown.isEmpty()) {
      throw new IllegalArgumentException(
          type.getSimpleName()
              + (missing.isEmpty() ? "" : ": missing keys " + missing)
              + (unknown.isEmpty() ? "" : ": unknown keys " + unknown));
    }
    return r;
  }

  private static <R extends Record> R build(
      Class<R> type, String prefix, Map<String, String> v, Set<String> used, List<String> missing) {
    RecordComponent[] cs = type.getRecordComponents();
    Object[] args = new Object[cs.length];
    Class<?>[] types = new Class<?>[cs.length];
    for (int i = 0; i < cs.length; i++) {
      Class<?> t = cs[i].getType();
      types[i] = t;
      String key = prefix + cs[i].getName();
      if (t.isRecord()) {
        @SuppressWarnings("unchecked")
        Class<? extends Record> nested = (Class<? extends Record>) t;
        args[i] = build(nested, key + ".", v, used, missing);
        continue;
      }
      String s = v.get(key);
      if (s == null) {
        missing.add(key);
        continue;
      }
      used.add(key);
      args[i] = parse(t, key, s.trim());
    }
    if (!missing.isEmpty()) {
      return null;
    }
    try {
      Constructor<R> ctor = type.getDeclaredConstructor(types);
      return ctor.newInstance(args);
    } catch (InvocationTargetException e) {
      Throwable cause = e.getCause();
      throw cause instanceof RuntimeException r ? r : new IllegalStateException(cause);
    } catch (ReflectiveOperationException e) {
      throw new IllegalStateException("cannot build " + type.getSimpleName(), e);
    }
  }

  @SuppressWarnings({"unchecked", "rawtypes"})
  private static Object parse(Class<?> t, String key, String s) {
    try {
      if (t == int.class) {
        return Integer.parseInt(s);
      } else if (t == long.class) {
        return Long.parseLong(s);
      } else if (t == double.class) {
        return Double.parseDouble(s);
      } else if (t == boolean.class) {
        if (!s.equals("true") && !s.equals("false")) {
          throw new NumberFormatException("not true or false");
        }
        return Boolean.parseBoolean(s);
      } else if (t == String.class) {
        return s;
      } else if (t.isEnum()) {
        return Enum.valueOf((Class<? extends Enum>) t, s);
      } else if (t == float[].class) {
        String[] parts = s.split(",");
        float[] out = new float[parts.length];
        for (int k = 0; k < parts.length; k++) {
          out[k] = Float.parseFloat(parts[k].trim());
        }
        return out;
      }
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("config key " + key + " has a bad value '" + s + "'", e);
    }
    throw new IllegalArgumentException("unsupported component type " + t + " at " + key);
  }

  /** Keys whose values differ, as {@code "key: a vs b"}; keys missing on one side count too. */
  public static List<String> differences(Map<String, String> a, Map<String, String> b) {
    Map<String, String> keys = new TreeMap<>(a);
    b.forEach(keys::putIfAbsent);
    List<String> out = new ArrayList<>();
    for (String k : keys.keySet()) {
      String x = a.get(k);
      String y = b.get(k);
      if (x == null ? y != null : !x.equals(y)) {
        out.add(k + ": " + x + " vs " + y);
      }
    }
    return out;
  }

  /** Writes {@code record} to a properties file. */
  public static void save(Record record, Path file) throws IOException {
    try (Writer w = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
      w.write(text(record));
    }
  }

  /**
   * {@code record} as the text of a properties file: a comment naming the type, then the keys in
   * sorted order, and no time stamp, so that equal configs give equal bytes.
   */
  public static String text(Record record) {
    Properties p = new Properties();
    flatten(record).forEach(p::setProperty);
    StringWriter w = new StringWriter();
    try {
      p.store(w, null);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    StringBuilder out = new StringBuilder("#" + record.getClass().getSimpleName() + "\n");
    w.toString()
        .lines()
        .filter(line -> !line.startsWith("#"))
        .sorted()
        .forEach(line -> out.append(line).append('\n'));
    return out.toString();
  }

  /** Reads the keys of a properties file written by {@link #save}. */
  public static Map<String, String> load(Path file) throws IOException {
    try (Reader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      return parse(r);
    }
  }

  /** The keys of properties text. */
  public static Map<String, String> parse(String text) {
    try {
      return parse(new StringReader(text));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static Map<String, String> parse(Reader r) throws IOException {
    Properties p = new Properties();
    p.load(r);
    Map<String, String> out = new TreeMap<>();
    p.stringPropertyNames().forEach(k -> out.put(k, p.getProperty(k)));
    return out;
  }

  /**
   * Reads a record saved by {@link #save} strictly, or one in {@code legacy}'s older layout.
   *
   * @throws IllegalArgumentException naming the file and the missing, unknown or bad keys
   */
  public static <R extends Record> R read(Class<R> type, Path file, Legacy legacy)
      throws IOException {
    return read(type, load(file), legacy, file.toString());
  }

  /** As {@link #read(Class, Path, Legacy)} for keys already loaded from {@code source}. */
  public static <R extends Record> R read(
      Class<R> type, Map<String, String> values, Legacy legacy, String source) {
    Map<String, String> v = legacy.matches(values) ? legacy.apply(values) : values;
    try {
      return unflatten(type, v);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(source + ": " + e.getMessage(), e);
    }
  }

  private static Object get(RecordComponent c, Record r) {
    try {
      return c.getAccessor().invoke(r);
    } catch (ReflectiveOperationException e) {
      throw new IllegalStateException(e);
    }
  }
}
