package org.beit4j.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.beit4j.config.VitConfig;
import org.beit4j.io.RunLayout;
import org.beit4j.pretrain.PretrainConfig;
import org.beit4j.pretrain.Pretrainer;
import org.beit4j.quantizer.QuantizerConfig;
import org.beit4j.tokenizer.VqKdConfig;
import org.beit4j.tokenizer.baseline.PixelKMeansTokenizer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The stages' typed entry points chained without the CLI, on real Fashion-MNIST. */
class StagesTest {

  @TempDir Path tmp;

  @Test
  void pixelKMeansTokenizerFeedsPretrainingThroughTheRecordEntryPoints() {
    Path tok = tmp.resolve("pixel-tokenizer");
    VqKdConfig test = VqKdConfig.test().withRun(r -> r.withSeed(3));
    QuantizerConfig codes16 = test.quantizer().withCodebookSize(16);
    TokenizerStage.Result k =
        TokenizerStage.run(
            TokenizerStage.Options.pixelKMeans(test.withQuantizer(codes16), 128, tok)
                .withEvalImages(200));
    assertEquals(Artefacts.TokenizerKind.PIXEL_KMEANS, Artefacts.tokenizerKind(tok));
    assertEquals(16, PixelKMeansTokenizer.load(tok).codebookSize());
    assertTrue(k.health().usedFraction() > 0.5, k.health().toString());
    assertTrue(Double.isNaN(k.cosine()));

    Path pre = tmp.resolve("pretrain-pixel");
    PretrainStage.Result p =
        PretrainStage.run(
            new PretrainStage.Options(
                tok,
                VitConfig.test().withDepth(1),
                false,
                0,
                PretrainConfig.defaultRun(2, 8)
                    .withSchedule(s -> s.withLearningRate(1e-3))
                    .withSeed(5),
                DataSource.FASHION_MNIST,
                true,
                pre,
                false));
    assertEquals(2, p.stepsDone());
    assertEquals(2, p.history().size());
    assertTrue(Double.isNaN(p.history().get(0).clsLoss())); // no [CLS] branch
    assertEquals(1e-3, p.history().get(0).learningRate(), 1e-12); // no warm-up at 2 steps
    assertTrue(Files.isRegularFile(pre.resolve("backbone").resolve(Pretrainer.BACKBONE_FILE)));
    assertEquals(VitConfig.test().withDepth(1), Artefacts.backbone(pre).config());
    assertEquals(16, Artefacts.pretrainModel(pre).config().codebookSize());
    Path none = tmp.resolve("none");
    var e = assertThrows(PipelineException.class, () -> Artefacts.backbone(none));
    assertTrue(e.getMessage().contains("run `bin/beit4j pretrain --tokenizer"), e.getMessage());
    e = assertThrows(PipelineException.class, () -> Artefacts.pretrainModel(tok));
    assertTrue(e.getMessage().contains("no finished pretraining run"), e.getMessage());
    assertEquals(
        List.of(),
        RunLayout.latestCheckpoint(pre).stream()
            .filter(c -> !c.getFileName().toString().equals("final"))
            .toList());
  }
}
