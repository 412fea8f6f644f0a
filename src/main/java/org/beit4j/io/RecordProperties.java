package org.beit4j.io;

import java.io.IOException;
import java.io.Reader;
import java.io.Writer;
import java.lang.reflect.Constructor;
import java.lang.reflect.RecordComponent;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;

/**
 * Configuration records as flat properties ({@code vit.depth=6}), so that a saved run's config can
 * be read back through the record's validating constructor and compared field by field. Supports
 * components of type int, long, double, boolean, String and nested records.
 */
public final class RecordProperties {

  private RecordProperties() {}

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
      } else {
        out.put(prefix + c.getName(), String.valueOf(value));
      }
    }
  }

  /** Rebuilds a record from {@link #flatten}'s keys (its constructor validates). */
  public static <R extends Record> R unflatten(Class<R> type, Map<String, String> values) {
    return build(type, "", values);
  }

  private static <R extends Record> R build(Class<R> type, String prefix, Map<String, String> v) {
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
        args[i] = build(nested, key + ".", v);
        continue;
      }
      String s = v.get(key);
      if (s == null) {
        throw new IllegalArgumentException("missing config key " + key);
      }
      args[i] = parse(t, key, s);
    }
    try {
      Constructor<R> ctor = type.getDeclaredConstructor(types);
      return ctor.newInstance(args);
    } catch (java.lang.reflect.InvocationTargetException e) {
      Throwable cause = e.getCause();
      throw cause instanceof RuntimeException r ? r : new IllegalStateException(cause);
    } catch (ReflectiveOperationException e) {
      throw new IllegalStateException("cannot build " + type.getSimpleName(), e);
    }
  }

  private static Object parse(Class<?> t, String key, String s) {
    try {
      if (t == int.class) {
        return Integer.parseInt(s);
      } else if (t == long.class) {
        return Long.parseLong(s);
      } else if (t == double.class) {
        return Double.parseDouble(s);
      } else if (t == boolean.class) {
        return Boolean.parseBoolean(s);
      } else if (t == String.class) {
        return s;
      }
    } catch (NumberFormatException e) {
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
    Properties p = new Properties();
    flatten(record).forEach(p::setProperty);
    try (Writer w = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
      p.store(w, record.getClass().getSimpleName());
    }
  }

  /** Reads the keys of a properties file written by {@link #save}. */
  public static Map<String, String> load(Path file) throws IOException {
    Properties p = new Properties();
    try (Reader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      p.load(r);
    }
    Map<String, String> out = new TreeMap<>();
    p.stringPropertyNames().forEach(k -> out.put(k, p.getProperty(k)));
    return out;
  }

  private static Object get(RecordComponent c, Record r) {
    try {
      return c.getAccessor().invoke(r);
    } catch (ReflectiveOperationException e) {
      throw new IllegalStateException(e);
    }
  }
}
