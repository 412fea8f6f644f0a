package org.beit4j.config;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * The named presets of one config type, in a fixed order: the one place a preset name from the
 * command line, a config file or a notebook is turned into a config. An unknown name fails with the
 * list of valid ones; there is no fallback.
 *
 * <pre>{@code
 * VitConfig vit = VitConfig.PRESETS.get("mnist");
 * VitConfig.PRESETS.names();   // [mnist, test, tiny, small, base]
 * }</pre>
 *
 * @param <T> the config type
 */
public final class Presets<T> {

  private final String what;
  private final Map<String, Supplier<T>> factories;

  private Presets(String what, Map<String, Supplier<T>> factories) {
    this.what = what;
    this.factories = factories;
  }

  /** Starts a registry; {@code what} names the config in messages ("VitConfig preset"). */
  public static <T> Builder<T> of(String what) {
    return new Builder<>(what);
  }

  /**
   * The preset called {@code name}, freshly made.
   *
   * @throws IllegalArgumentException naming the unknown name and listing the valid ones
   */
  public T get(String name) {
    Supplier<T> f = name == null ? null : factories.get(name);
    if (f == null) {
      throw new IllegalArgumentException(unknown(name));
    }
    return f.get();
  }

  /** The message {@link #get} fails with for {@code name}. */
  public String unknown(String name) {
    return "unknown " + what + " '" + name + "'; valid names are " + names();
  }

  /** Whether {@code name} is a preset. */
  public boolean contains(String name) {
    return name != null && factories.containsKey(name);
  }

  /** The valid names, in registration order (the first is the default where there is one). */
  public List<String> names() {
    return List.copyOf(factories.keySet());
  }

  /** The name of the preset equal to {@code config}, if one is. */
  public Optional<String> nameOf(T config) {
    return factories.entrySet().stream()
        .filter(e -> e.getValue().get().equals(config))
        .map(Map.Entry::getKey)
        .findFirst();
  }

  /** Collects presets in order. */
  public static final class Builder<T> {
    private final String what;
    private final Map<String, Supplier<T>> factories = new LinkedHashMap<>();

    private Builder(String what) {
      this.what = what;
    }

    /** Adds preset {@code name}; names are unique. */
    public Builder<T> add(String name, Supplier<T> factory) {
      if (factories.putIfAbsent(name, factory) != null) {
        throw new IllegalArgumentException(what + " '" + name + "' registered twice");
      }
      return this;
    }

    public Presets<T> build() {
      return new Presets<>(what, new LinkedHashMap<>(factories));
    }
  }
}
