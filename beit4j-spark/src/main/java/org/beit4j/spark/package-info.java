/**
 * BEiT v2 on Apache Spark: the VQ-KD tokenizer (seed article section 1.2, eqs. (1)-(2)) and MIM
 * pretraining (section 1.3, eqs. (3)-(5)) as Spark jobs. The driver keeps the one {@link
 * org.beit4j.train.AdamW} state (and the codebook) and the outputs; every executor keeps one graph
 * per task slot and computes the gradients of its shard of each step's batch ({@link
 * org.beit4j.pretrain.PretrainModel#replicaPass}, {@link org.beit4j.tokenizer.VqKdTraining#share}
 * with the teacher's features computed there); the driver combines them ({@link
 * org.beit4j.train.Replicas#combine}, by {@code collect} or {@code treeAggregate}) and applies one
 * step ({@link org.beit4j.pretrain.Pretrainer#apply}, {@link
 * org.beit4j.tokenizer.VqKdTraining#apply}), then broadcasts the new parameters. Pretraining can
 * instead average parameters every N local steps ({@code --sync-every}, not exact). Data, teacher,
 * tokenizer and checkpoints live behind Hadoop's FileSystem API (local folders, HDFS, S3).
 * docs/scale-out.md gives the costs and a scaling model.
 */
package org.beit4j.spark;
