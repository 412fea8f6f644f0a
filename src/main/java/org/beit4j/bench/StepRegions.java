package org.beit4j.bench;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.beit4j.config.VitConfig;
import org.beit4j.nn.Attention;
import org.beit4j.nn.Block;
import org.beit4j.nn.Embeddings;
import org.beit4j.nn.Init;
import org.beit4j.nn.Layers;
import org.beit4j.nn.RelativePositionBias;
import org.beit4j.nn.VisionTransformer;
import org.beit4j.nn.Vit;
import org.beit4j.pretrain.ClsHead;
import org.beit4j.pretrain.Mim;
import org.beit4j.pretrain.PretrainConfig;
import org.beit4j.pretrain.PretrainModel;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Which graph-building method each op of a profiled step comes from ({@link StepProfile}'s
 * regions): the same graph is built a second time by calling the same public methods in the same
 * order, and the ops each call adds are tagged with its name; {@link #check} refuses a profile
 * whose op list differs from the real graph's.
 */
final class StepRegions {

  private StepRegions() {}

  /** Records which ops each building call adds. */
  static final class Tagger {
    final SameDiff sd = SameDiff.create();
    final Map<String, String> regions = new LinkedHashMap<>();

    void tag(String region) {
      for (String op : sd.getOps().keySet()) {
        regions.putIfAbsent(op, region);
      }
    }
  }

  /** {@link Block#blocks} as it builds them, tagged by part: the output rows {@code [B*T, D]}. */
  static List<SDVariable> blocks(
      Tagger t,
      String prefix,
      String scope,
      Init init,
      VitConfig cfg,
      SDVariable x,
      SDVariable bias,
      int count) {
    SameDiff sd = t.sd;
    int d = cfg.width();
    List<SDVariable> outputs = new ArrayList<>();
    SDVariable rows = sd.reshape(x, -1, d);
    t.tag(prefix + "reshape");
    for (int j = 0; j < count; j++) {
      String name = scope + "/block" + j;
      SDVariable ls1 = Block.layerScaleGamma(sd, name + "/ls1", init, cfg);
      SDVariable ls2 = Block.layerScaleGamma(sd, name + "/ls2", init, cfg);
      SDVariable a = Layers.layerNorm(sd, name + "/norm1", init, rows, d, 2);
      t.tag(prefix + "layernorm");
      a = Attention.selfAttentionRows(sd, name + "/attn", init, cfg, a, bias, ls1);
      t.tag(prefix + "attention+layerscale");
      SDVariable r = rows.add(a);
      t.tag(prefix + "residual");
      SDVariable m = Layers.layerNorm(sd, name + "/norm2", init, r, d, 2);
      t.tag(prefix + "layernorm");
      m = Block.mlp(sd, name + "/mlp", init, cfg, m, ls2);
      t.tag(prefix + "mlp+layerscale");
      rows = r.add(m);
      t.tag(prefix + "residual");
      outputs.add(rows);
    }
    return outputs;
  }

  static Map<String, String> classifierRegions(VitConfig cfg, int classes) {
    Tagger t = new Tagger();
    SameDiff sd = t.sd;
    Init init = new Init(1L, DataType.FLOAT);
    SDVariable images =
        sd.placeHolder(
            VisionTransformer.IMAGES,
            DataType.FLOAT,
            -1,
            cfg.channels(),
            cfg.imageSize(),
            cfg.imageSize());
    SDVariable p = Vit.patchEmbed(sd, "vit", init, cfg, images);
    t.tag("patch-embed");
    SDVariable x = Embeddings.prependCls(sd, "vit/embed", init, cfg, p);
    t.tag("cls-token+pos");
    SDVariable bias = RelativePositionBias.bias(sd, "vit/relpos", init, cfg);
    t.tag("relpos-bias");
    List<SDVariable> layers = blocks(t, "block/", "vit", init, cfg, x, bias, cfg.depth());
    SDVariable f =
        Vit.norm(sd, "vit", init, cfg, Block.tokens(sd, cfg, layers.get(cfg.depth() - 1)));
    sd.identity(VisionTransformer.FEATURES, f);
    t.tag("final-norm");
    SDVariable pooled = Vit.poolCls(sd, cfg, f);
    sd.identity(VisionTransformer.POOLED, pooled);
    sd.identity(VisionTransformer.LOGITS, Vit.head(sd, "vit", init, cfg, pooled, classes));
    t.tag("pool+head");
    SDVariable labels = sd.placeHolder(VisionTransformer.LABELS, DataType.FLOAT, -1, classes);
    SDVariable logProb = sd.nn().logSoftmax(sd.getVariable(VisionTransformer.LOGITS));
    sd.mean(sd.sum(labels.mul(logProb), 1)).neg(VisionTransformer.LOSS);
    t.tag("loss");
    return t.regions;
  }

  static Map<String, String> mimRegions(PretrainConfig config) {
    Tagger t = new Tagger();
    SameDiff sd = t.sd;
    VitConfig cfg = config.vit();
    int n = cfg.numPatches();
    int d = cfg.width();
    int k = config.codebookSize();
    DataType dt = DataType.FLOAT;
    Init init = new Init(config.seed(), dt);
    SDVariable images =
        sd.placeHolder(
            PretrainModel.IMAGES, dt, -1, cfg.channels(), cfg.imageSize(), cfg.imageSize());
    SDVariable mask = sd.placeHolder(PretrainModel.MASK, dt, -1, n);
    SDVariable codes = sd.placeHolder(PretrainModel.CODES, DataType.INT, -1, n);
    SDVariable weightMim = sd.constant("pretrain/weightmim", Nd4j.scalar(dt, 1.0));
    SDVariable weightCls = sd.constant("pretrain/weightcls", Nd4j.scalar(dt, 1.0));
    SDVariable patches = Vit.patchEmbed(sd, "vit", init, cfg, images);
    t.tag("patch-embed");
    SDVariable masked = Mim.maskBlend(sd, PretrainModel.MASK_SCOPE, init, patches, mask, n, d);
    t.tag("mask-blend");
    SDVariable x = Embeddings.prependCls(sd, "vit/embed", init, cfg, masked);
    t.tag("cls-token+pos");
    SDVariable bias = RelativePositionBias.bias(sd, "vit/relpos", init, cfg);
    t.tag("relpos-bias");
    List<SDVariable> layers = blocks(t, "block/", "vit", init, cfg, x, bias, cfg.depth());
    SDVariable last = Block.tokens(sd, cfg, layers.get(cfg.depth() - 1));
    SDVariable out = Vit.norm(sd, "vit", init, cfg, last);
    t.tag("final-norm");
    SDVariable index = Mim.maskedIndex(sd, "mim/index", mask);
    SDVariable maskedCodes = Mim.maskedRows(sd, "mim/codes", sd.reshape(codes, -1), index);
    t.tag("mim/masked-codes");
    SDVariable tokens = sd.reshape(Vit.patchTokens(sd, cfg, out), -1, d);
    sd.identity(
        PretrainModel.MIM_LOGITS,
        Mim.headLogits(
            sd, PretrainModel.HEAD_SCOPE, PretrainModel.HEAD_SCOPE + "/all", init, tokens, d, k));
    t.tag("mim/all-rows-logits");
    SDVariable rows = Mim.maskedRows(sd, "mim/rows", tokens, index);
    t.tag("mim/masked-rows");
    SDVariable logits =
        Mim.headLogits(
            sd, PretrainModel.HEAD_SCOPE, PretrainModel.HEAD_SCOPE + "/out", init, rows, d, k);
    t.tag("mim/head-logits");
    SDVariable mimLoss = Mim.maskedCrossEntropy(sd, PretrainModel.MIM_LOSS, logits, maskedCodes, k);
    t.tag("mim/cross-entropy");
    Mim.maskedAccuracy(sd, PretrainModel.MIM_ACC, logits, maskedCodes);
    t.tag("mim/accuracy");
    SDVariable loss = mimLoss.mul(weightMim);
    t.tag("loss");
    if (config.clsHead()) {
      SDVariable early = Block.tokens(sd, cfg, layers.get(config.clsHeadLayer() - 1));
      SDVariable s = ClsHead.sequence(sd, PretrainModel.CLS_SCOPE, cfg, last, early);
      t.tag("clshead/sequence");
      List<SDVariable> extra =
          blocks(t, "clshead/", PretrainModel.CLS_SCOPE, init, cfg, s, bias, config.clsHeadDepth());
      s = Block.tokens(sd, cfg, extra.get(config.clsHeadDepth() - 1));
      s = ClsHead.sharedNorm(sd, "vit", PretrainModel.CLS_SCOPE + "/norm", s);
      t.tag("clshead/shared-norm");
      SDVariable clsRows =
          Mim.maskedRows(sd, "clshead/rows", sd.reshape(Vit.patchTokens(sd, cfg, s), -1, d), index);
      t.tag("clshead/masked-rows");
      SDVariable clsLogits =
          Mim.headLogits(sd, PretrainModel.HEAD_SCOPE, "clshead/logits", init, clsRows, d, k);
      t.tag("clshead/head-logits");
      SDVariable clsLoss =
          Mim.maskedCrossEntropy(sd, PretrainModel.CLS_LOSS, clsLogits, maskedCodes, k);
      t.tag("clshead/cross-entropy");
      Mim.maskedAccuracy(sd, PretrainModel.CLS_ACC, clsLogits, maskedCodes);
      t.tag("clshead/accuracy");
      loss = loss.add(clsLoss.mul(weightCls));
    }
    loss.rename(PretrainModel.LOSS);
    loss.mul("pretrain/lossreadout", 1.0);
    t.tag("loss");
    return t.regions;
  }

  /** Fails unless the rebuilt graph has exactly the real graph's ops, in order, of equal types. */
  static void check(SameDiff real, Map<String, String> regions) {
    List<String> a = new ArrayList<>(real.getOps().keySet());
    List<String> b = new ArrayList<>(regions.keySet());
    if (!a.equals(b)) {
      throw new IllegalStateException(
          "rebuilt graph differs: "
              + a.size()
              + " vs "
              + b.size()
              + " ops; first real "
              + a.subList(0, Math.min(5, a.size()))
              + ", rebuilt "
              + b.subList(0, Math.min(5, b.size())));
    }
  }
}
