package org.beit4j.experiments;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Supplier;
import org.beit4j.Beit4j;
import org.beit4j.data.FashionMnist;
import org.beit4j.data.ImageBatchIterator;
import org.beit4j.data.LoaderConfig;
import org.beit4j.data.TransformConfig;
import org.beit4j.teacher.CnnTeacher;
import org.beit4j.teacher.CnnTeacherConfig;
import org.beit4j.teacher.Teacher;
import org.beit4j.tokenizer.VqKdConfig;
import org.beit4j.tokenizer.VqKdTokenizer;
import org.nd4j.linalg.dataset.api.iterator.MultiDataSetIterator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reproduces BEiT v2's point about codebook usage (section 2.1 and the VQ-KD ablations): with
 * l2-normalised lookup, a low code dimension and an EMA codebook most codes stay in use; without
 * them the codebook collapses. Every variant is trained with the same budget, then evaluated on the
 * same held-out images.
 *
 * <p>Variants: (a) the BEiT v2 recipe (cosine lookup, 32-d codes, EMA, no re-seeding), (b) the
 * Euclidean lookup of VQ-VAE on raw vectors, (c) codes as wide as the teacher's features, (d) a
 * codebook learned by gradient instead of the EMA, (e) the recipe plus dead-code re-seeding (the
 * small-data preset).
 */
public final class CodebookAblation {

  private static final Logger log = LoggerFactory.getLogger(CodebookAblation.class);

  static {
    Beit4j.init();
  }

  private CodebookAblation() {}

  /** One variant's results on the held-out set. */
  public record Row(
      String name,
      String description,
      double cosine,
      double usedFraction,
      double perplexity,
      int deadCodes,
      double msPerStep) {}

  /** A named variant. */
  public record Variant(String name, String description, VqKdConfig config) {}

  /**
   * The five variants derived from {@code recipe} (which should have re-seeding switched on; (a) -
   * (d) switch it off).
   */
  public static List<Variant> variants(VqKdConfig recipe, int teacherDim) {
    VqKdConfig plain = recipe.withQuantizer(recipe.quantizer().withDeadCodeWindow(0));
    int d = plain.quantizer().codeDim();
    List<Variant> out = new ArrayList<>();
    out.add(new Variant("(a) BEiT v2", "l2 lookup, " + d + "-d, EMA", plain));
    out.add(
        new Variant(
            "(b) no l2",
            "Euclidean lookup, " + d + "-d, EMA",
            plain.withMode(VqKdConfig.CodebookMode.EUCLIDEAN_EMA)));
    out.add(
        new Variant(
            "(c) wide codes",
            "l2 lookup, " + teacherDim + "-d (teacher width), EMA",
            plain.withQuantizer(plain.quantizer().withCodeDim(teacherDim))));
    out.add(
        new Variant(
            "(d) no EMA",
            "l2 lookup, " + d + "-d, codebook by gradient",
            plain.withMode(VqKdConfig.CodebookMode.COSINE_GRADIENT)));
    out.add(
        new Variant(
            "(e) + re-seeding",
            "(a) + dead codes re-seeded after " + recipe.quantizer().deadCodeWindow() + " steps",
            recipe));
    return out;
  }

  /**
   * Trains and evaluates every variant.
   *
   * @param train fresh training batches for each variant (same seed: the same images)
   * @param eval held-out batches
   */
  public static List<Row> run(
      List<Variant> variants,
      Teacher teacher,
      Supplier<MultiDataSetIterator> train,
      Supplier<MultiDataSetIterator> eval) {
    List<Row> rows = new ArrayList<>();
    for (Variant v : variants) {
      log.info("ablation {}: {}", v.name(), v.config());
      VqKdTokenizer tok =
          VqKdTokenizer.train(v.config(), teacher, train.get(), "ablation", null, null);
      VqKdTokenizer.Evaluation e = tok.evaluate(eval.get(), teacher);
      double ms =
          tok.history().stream()
              .mapToDouble(VqKdTokenizer.StepLog::msPerStep)
              // the first window includes building the gradient graph
              .skip(tok.history().size() > 1 ? 1 : 0)
              .average()
              .orElse(Double.NaN);
      Row row =
          new Row(
              v.name(),
              v.description(),
              e.cosine(),
              e.health().usedFraction(),
              e.health().perplexity(),
              e.health().deadCodes(),
              ms);
      log.info("ablation result {}", row);
      rows.add(row);
    }
    return rows;
  }

  /** The results as a Markdown table. */
  public static String markdown(List<Row> rows, int codebookSize) {
    StringBuilder sb = new StringBuilder();
    sb.append("| variant | setting | cosine to teacher | codes used (of ")
        .append(codebookSize)
        .append(") | perplexity | dead codes | ms/step |\n");
    sb.append("| --- | --- | --- | --- | --- | --- | --- |\n");
    for (Row r : rows) {
      sb.append(
          String.format(
              Locale.ROOT,
              "| %s | %s | %.3f | %.1f%% | %.1f | %d | %.0f |%n",
              r.name(),
              r.description(),
              r.cosine(),
              100 * r.usedFraction(),
              r.perplexity(),
              r.deadCodes(),
              r.msPerStep()));
    }
    return sb.toString();
  }

  /**
   * Runs the variants of {@code recipe} (its teacher width set to the teacher's) and prints the
   * table to {@code out}.
   */
  public static List<Row> runAndPrint(
      VqKdConfig recipe,
      Teacher teacher,
      Supplier<MultiDataSetIterator> train,
      Supplier<MultiDataSetIterator> eval,
      PrintStream out) {
    VqKdConfig fitted = recipe.withTeacherDim(teacher.featureDim());
    List<Row> rows = run(variants(fitted, teacher.featureDim()), teacher, train, eval);
    out.print(markdown(rows, recipe.quantizer().codebookSize()));
    out.flush();
    return rows;
  }

  /**
   * The Fashion-MNIST ablation with the built-in CNN teacher, printed as Markdown: {@code
   * CodebookAblation [steps=100] [teacherTrainLimit=0 (all)] [teacherDir=target/teacher-cache/
   * fashion-mnist]}. The teacher is trained once and reused ({@link CnnTeacher#trainOrLoad}); the
   * tokenizers see the same seeded batches of 64 and are scored on the first 2000 test images.
   */
  public static void main(String[] args) {
    int steps = args.length > 0 ? Integer.parseInt(args[0]) : 100;
    int limit = args.length > 1 ? Integer.parseInt(args[1]) : 0;
    Path dir = Path.of(args.length > 2 ? args[2] : "target/teacher-cache/fashion-mnist");
    FashionMnist train = FashionMnist.load(FashionMnist.Split.TRAIN);
    FashionMnist test = FashionMnist.load(FashionMnist.Split.TEST);
    CnnTeacher teacher =
        CnnTeacher.trainOrLoad(
            dir, CnnTeacherConfig.fashionMnist().withTrainLimit(limit), train, test);
    log.info("teacher {}: test accuracy {}", teacher.id(), teacher.testAccuracy());
    VqKdConfig recipe = VqKdConfig.fashionMnist().withRun(r -> r.withSteps(steps));
    runAndPrint(
        recipe,
        teacher,
        () ->
            ImageBatchIterator.of(
                train,
                TransformConfig.plain(28, 1),
                LoaderConfig.of(recipe.run().batchSize()).withSeed(recipe.seed())),
        () ->
            ImageBatchIterator.of(
                test,
                TransformConfig.plain(28, 1),
                LoaderConfig.of(250).withShuffle(false).withLimit(2000)),
        System.out);
  }
}
