package org.beit4j.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** The flags of {@code bin/beit4j-spark} and its {@code tokenizer} subcommand (no Spark run). */
class SparkMainTest {

  @Test
  void theTokenizerSubcommandTurnsFlagsIntoAJob() {
    CommandLine cli = new CommandLine(new SparkMain());
    CommandLine.ParseResult parsed =
        cli.parseArgs(
            "tokenizer",
            "--teacher",
            "hdfs:///t",
            "--preset",
            "test",
            "--steps",
            "8",
            "--batch",
            "6",
            "--workers",
            "3",
            "--teacher-norm",
            "--out",
            "hdfs:///tok");
    SparkTokenizerCommand command = parsed.subcommand().commandSpec().commandLine().getCommand();
    SparkTokenizerJob job = command.job();
    assertEquals(8, job.config().steps());
    assertEquals(6, job.config().run().batchSize());
    assertEquals(2, job.config().run().logEvery(), "at least four rows of history");
    assertEquals(3, job.workers());
    assertTrue(job.teacherNorm());
    assertEquals("hdfs:///t", job.teacher());
    assertEquals(SparkPretrainJob.TREE_FROM, job.treeFrom());
    // an unknown preset and more workers than images per step are usage errors
    CommandLine.ParseResult bad =
        new CommandLine(new SparkMain()).parseArgs("tokenizer", "--teacher", "t", "--preset", "x");
    SparkTokenizerCommand badCommand = bad.subcommand().commandSpec().commandLine().getCommand();
    assertThrows(CommandLine.ParameterException.class, badCommand::job);
  }

  @Test
  void pretrainingTakesSyncEveryAndNeedsATokenizer() {
    SparkMain main = new SparkMain();
    new CommandLine(main).parseArgs("--tokenizer", "tok", "--sync-every", "4", "--tree-from", "16");
    assertEquals(4, main.syncEvery);
    assertEquals(16, main.cluster.treeFrom);
    assertEquals(2, new CommandLine(new SparkMain()).execute("--steps", "3"));
  }
}
