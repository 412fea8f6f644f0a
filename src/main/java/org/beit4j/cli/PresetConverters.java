package org.beit4j.cli;

import java.util.Iterator;
import org.beit4j.config.Presets;
import org.beit4j.config.VitConfig;
import org.beit4j.pipeline.Artefacts.TokenizerKind;
import org.beit4j.pipeline.DemoBudget;
import org.beit4j.teacher.CnnTeacherConfig;
import org.beit4j.teacher.OnnxTeacherConfig;
import org.beit4j.tokenizer.VqKdConfig;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/**
 * Picocli converters from a preset name to the config the library's registry holds for it, and
 * completion candidates listing the names. An unknown name is a usage error that lists the valid
 * ones.
 */
final class PresetConverters {

  private PresetConverters() {}

  /** Looks names up in one registry. */
  abstract static class Of<T> implements ITypeConverter<T>, Iterable<String> {
    private final Presets<T> presets;

    Of(Presets<T> presets) {
      this.presets = presets;
    }

    @Override
    public T convert(String name) {
      if (!presets.contains(name)) {
        throw new TypeConversionException(presets.unknown(name));
      }
      return presets.get(name);
    }

    @Override
    public Iterator<String> iterator() {
      return presets.names().iterator();
    }
  }

  /** {@link VitConfig#PRESETS}. */
  static final class Vit extends Of<VitConfig> {
    Vit() {
      super(VitConfig.PRESETS);
    }
  }

  /** {@link VqKdConfig#PRESETS}. */
  static final class VqKd extends Of<VqKdConfig> {
    VqKd() {
      super(VqKdConfig.PRESETS);
    }
  }

  /** {@link CnnTeacherConfig#PRESETS}. */
  static final class Teacher extends Of<CnnTeacherConfig> {
    Teacher() {
      super(CnnTeacherConfig.PRESETS);
    }
  }

  /** {@link DemoBudget#PRESETS}. */
  static final class Demo extends Of<DemoBudget> {
    Demo() {
      super(DemoBudget.PRESETS);
    }
  }

  /** {@link org.beit4j.eval.probe.StageProbeConfig#PRESETS}. */
  static final class StageProbe extends Of<org.beit4j.eval.probe.StageProbeConfig> {
    StageProbe() {
      super(org.beit4j.eval.probe.StageProbeConfig.PRESETS);
    }
  }

  /** The names of {@link OnnxTeacherConfig#PRESETS}, checked here and kept as names. */
  static final class OnnxName implements ITypeConverter<String>, Iterable<String> {
    @Override
    public String convert(String name) {
      if (!OnnxTeacherConfig.PRESETS.contains(name)) {
        throw new TypeConversionException(OnnxTeacherConfig.PRESETS.unknown(name));
      }
      return name;
    }

    @Override
    public Iterator<String> iterator() {
      return OnnxTeacherConfig.PRESETS.names().iterator();
    }
  }

  /** {@code vqkd} or {@code pixel-kmeans}. */
  static final class Kind implements ITypeConverter<TokenizerKind> {
    @Override
    public TokenizerKind convert(String name) {
      for (TokenizerKind k : TokenizerKind.values()) {
        if (k.cliName().equals(name)) {
          return k;
        }
      }
      throw new TypeConversionException(
          "unknown tokenizer kind '" + name + "'; valid kinds are vqkd, pixel-kmeans");
    }
  }
}
