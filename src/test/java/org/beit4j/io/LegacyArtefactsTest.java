package org.beit4j.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.beit4j.config.VitConfig;
import org.beit4j.nn.VisionTransformer;
import org.beit4j.pretrain.PretrainConfig;
import org.beit4j.tokenizer.VqKdConfig;
import org.beit4j.train.Optimizer;
import org.beit4j.train.Schedule;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Artefacts written by beit4j at commit cfc7c7d (src/test/resources/legacy-cfc7c7d, made by that
 * commit's code; its README says how) still load, and today's files load strictly.
 */
class LegacyArtefactsTest {

  private static final Path DIR = Path.of("src/test/resources/legacy-cfc7c7d");

  @TempDir Path tmp;

  @Test
  void oldVisionTransformerWithPositionalConfigLoadsAndGivesItsLogits() throws IOException {
    VisionTransformer v = VisionTransformer.load(DIR.resolve("vit.sd"));
    assertEquals(new VitConfig(4, 2, 1, 4, 1, 2, 1.0, true, 0.1, false, true, 0.0), v.config());
    assertEquals(3, v.numClasses());
    assertEquals(VisionTransformer.Pool.CLS, v.pool());
    var x = Nd4j.linspace(0, 1, 32).reshape(2, 1, 4, 4).castTo(DataType.FLOAT);
    float[] logits =
        v.output(x, VisionTransformer.LOGITS).get(VisionTransformer.LOGITS).data().asFloat();
    float[] then = {
      0.015798533f, -0.0021880262f, -0.01091108f, 0.015746105f, -0.002158012f, -0.01090198f
    };
    assertArrayEquals(then, logits, 1e-6f);

    Path again = tmp.resolve("vit.sd");
    v.save(again);
    assertEquals(v.config(), VisionTransformer.load(again).config());
  }

  @Test
  void oldFlatTokenizerConfigMapsIntoTheRunRecord() throws IOException {
    VqKdConfig c =
        RecordProperties.read(
            VqKdConfig.class, DIR.resolve("vqkd.properties"), VqKdConfig.FLAT_LAYOUT);
    assertEquals(VqKdConfig.test(), withStats(c));
    assertEquals(new Schedule(2e-3, 2e-5, 2, 20), c.run().schedule());
    assertEquals(Optimizer.adam(), c.run().optimizer());
    assertEquals(5, c.run().logEvery());
    assertEquals(7, c.seed());
  }

  @Test
  void oldFlatCheckpointConfigMapsIntoTheRunRecord() throws IOException {
    Path file = DIR.resolve("pretrain-config.properties");
    PretrainConfig c =
        RecordProperties.read(PretrainConfig.class, file, PretrainConfig.FLAT_LAYOUT);
    PretrainConfig now =
        PretrainConfig.of(VitConfig.test(), 16, 4, 8)
            .withClsHeadLayer(1)
            .withRun(r -> r.withCheckpointEvery(2).withSeed(5));
    assertEquals(now, c);
    assertEquals(new Schedule(1.5e-3, 1e-5, 0, 4), c.run().schedule());
    assertEquals(Optimizer.beit(), c.run().optimizer());
  }

  @Test
  void todaysFilesLoadStrictlyNamingMissingAndUnknownKeys() throws IOException {
    Path file = tmp.resolve("p.properties");
    PretrainConfig cfg = PretrainConfig.of(VitConfig.mnist(), 512, 1000, 64);
    RecordProperties.save(cfg, file);
    assertEquals(
        cfg, RecordProperties.read(PretrainConfig.class, file, PretrainConfig.FLAT_LAYOUT));
    String text = Files.readString(file);
    assertTrue(text.startsWith("#PretrainConfig\nclsHead=true\nclsHeadDepth=2\n"), text);
    assertEquals(text, RecordProperties.text(PretrainConfig.of(VitConfig.mnist(), 512, 1000, 64)));
    Map<String, String> keys = RecordProperties.load(file);
    assertEquals("0.98", keys.get("run.optimizer.beta2"));

    keys.remove("run.schedule.warmupSteps");
    keys.put("vit.depht", "6");
    var e =
        assertThrows(
            IllegalArgumentException.class,
            () ->
                RecordProperties.read(PretrainConfig.class, keys, PretrainConfig.FLAT_LAYOUT, "f"));
    assertEquals(
        "f: PretrainConfig: missing keys [run.schedule.warmupSteps]: unknown keys [vit.depht]",
        e.getMessage());

    Files.writeString(file, Files.readString(file).replace("clsHead=true", "clsHead=yes"));
    var bad =
        assertThrows(
            IllegalArgumentException.class,
            () -> RecordProperties.read(PretrainConfig.class, file, PretrainConfig.FLAT_LAYOUT));
    assertTrue(bad.getMessage().contains("clsHead has a bad value 'yes'"), bad.getMessage());
  }

  /** ChannelStats holds arrays, so records holding it compare by identity: copy them over. */
  private static VqKdConfig withStats(VqKdConfig c) {
    VqKdConfig t = VqKdConfig.test();
    assertArrayEquals(t.pixelStats().mean(), c.pixelStats().mean());
    assertArrayEquals(t.pixelStats().std(), c.pixelStats().std());
    return new VqKdConfig(
        c.encoder(),
        c.decoderDepth(),
        c.decoderWidth(),
        c.quantizer(),
        c.teacherDim(),
        c.mode(),
        t.pixelStats(),
        c.kmeansBatches(),
        c.run());
  }
}
