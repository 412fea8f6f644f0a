package org.beit4j.cli;

import org.beit4j.train.Replicas;
import picocli.CommandLine.Option;

/**
 * The {@code --replicas N} option of the training commands: how many graph replicas share each
 * batch ({@link Replicas}), for every stage the command runs. It sets the JVM's default, which runs
 * whose config says 0 (all the CLI's) take.
 */
final class ReplicasOption {

  @Option(
      names = "--replicas",
      paramLabel = "N",
      defaultValue = "0",
      description =
          "Graph replicas, one Java thread each, that share every training batch (default 0 ="
              + " cores / OMP_NUM_THREADS, 2 on a 2-core host). Results do not depend on it"
              + " beyond float rounding.")
  void set(int n) {
    Replicas.setDefaultCount(n);
  }
}
