package org.beit4j.spark;

import org.apache.spark.SparkConf;
import picocli.CommandLine.Option;

/** The flags both jobs of {@code bin/beit4j-spark} take: where they run and what they read. */
final class SparkOptions {

  @Option(
      names = "--master",
      description = "Spark master (default: spark-submit's, else local[N] with N = --workers).")
  String master;

  @Option(
      names = "--data",
      defaultValue = SparkData.FASHION_MNIST,
      description =
          "Training images, a path or Hadoop URI (hdfs://, s3a://): an image folder"
              + " DIR[/train]/<class>/<image>, a folder of Fashion-MNIST IDX files, or"
              + " fashion-mnist (default).")
  String data;

  @Option(
      names = "--workers",
      defaultValue = "2",
      description = "Tasks per step, each taking batch/workers images (default 2).")
  int workers;

  @Option(
      names = "--tree-from",
      defaultValue = "" + SparkPretrainJob.TREE_FROM,
      description =
          "Combine gradients by treeAggregate from this many workers on (default"
              + " ${DEFAULT-VALUE}); below it they are collected on the driver.")
  int treeFrom;

  @Option(names = "--seed", defaultValue = "42", description = "Seed (default 42).")
  long seed;

  /** A configuration named {@code app}: {@code --master}, else spark-submit's, else local[N]. */
  SparkConf sparkConf(String app) {
    SparkConf conf = new SparkConf().setAppName(app);
    if (master != null) {
      conf.setMaster(master);
    } else if (!conf.contains("spark.master")) {
      conf.setMaster("local[" + workers + "]");
    }
    return conf;
  }
}
