package org.beit4j.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.beit4j.config.VitConfig;
import org.beit4j.pretrain.PretrainConfig;
import org.beit4j.teacher.CnnTeacherConfig;
import org.beit4j.tokenizer.VqKdConfig;
import org.junit.jupiter.api.Test;

/** The FLOP formulas against counts worked out by hand. */
class FlopCountTest {

  @Test
  void vitMnistClassifierStepIsIssue14sFiftyThreeGflop() {
    VitConfig v = VitConfig.mnist(); // N 49, T 50, D 192, H 768, C 1, P 4, L 6
    assertEquals(2.0 * 49 * 16 * 192, FlopCount.patchEmbed(v)); // 301,056
    // 8 T D^2 + 4 T^2 D + 4 T D H = 14,745,600 + 1,920,000 + 29,491,200
    assertEquals(46_156_800.0, FlopCount.block(v));
    assertEquals(301_056.0 + 6 * 46_156_800.0 + 2 * 192 * 10, FlopCount.classifier(v, 10));
    double step = new ClassifierBench("c", "", v, 64).flopsPerStep();
    assertEquals(53.23, step / 1e9, 0.005); // 3 x 64 x 277,245,696
  }

  @Test
  void mimAddsTheHeadOnEveryPatchAndTheClsBranch() {
    VitConfig v = VitConfig.mnist().withImageSize(32); // N 64, T 65
    PretrainConfig withCls = PretrainConfig.of(v, 8192, 100, 64);
    PretrainConfig without = withCls.withClsHead(false);
    double head = 2.0 * 64 * 192 * 8192;
    assertEquals(FlopCount.vitEncoder(v) + head, FlopCount.mim(without));
    assertEquals(
        FlopCount.mim(without) + withCls.clsHeadDepth() * FlopCount.block(v) + head,
        FlopCount.mim(withCls));
    // T = 65: 8*65*192^2 + 4*65^2*192 + 4*65*192*768
    assertEquals(19_169_280.0 + 3_244_800.0 + 38_338_560.0, FlopCount.block(v));
  }

  @Test
  void cnnTeacherCountsEveryConvolutionAndItsHead() {
    CnnTeacherConfig c = CnnTeacherConfig.fashionMnist(); // 1 -> 16 -> 32 -> 96 (+1) -> 96
    double convs =
        2.0 * 28 * 28 * 9 * 1 * 16
            + 2.0 * 14 * 14 * 9 * 16 * 32
            + 2.0 * 7 * 7 * 9 * 32 * 96
            + 2.0 * 7 * 7 * 9 * 96 * 96
            + 2.0 * 7 * 7 * 1 * 96 * 96;
    assertEquals(convs, FlopCount.cnnFeatures(c));
    assertEquals(convs + 2.0 * 96 * 128 + 2.0 * 128 * 10, FlopCount.cnnTeacher(c));
  }

  @Test
  void vqKdCountsEncoderQuantizerAndDecoder() {
    VqKdConfig c = VqKdConfig.test(); // test ViT encoder, 64 codes x 8, decoder 1 x 32, Dt 16
    VitConfig enc = c.encoder();
    VitConfig dec = c.decoder();
    int n = enc.numPatches();
    int e = enc.width();
    double expected =
        FlopCount.vitEncoder(enc)
            + 2.0 * n * (e * e + e * 8)
            + 2.0 * n * 8 * 64 * 2
            + 2.0 * n * 8 * 32
            + FlopCount.block(dec)
            + 2.0 * n * (32 * 32 + 32 * 16);
    assertEquals(expected, FlopCount.vqKd(c));
    assertEquals(dec.depth(), 1);
  }
}
