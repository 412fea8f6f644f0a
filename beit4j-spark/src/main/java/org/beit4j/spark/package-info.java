/**
 * BEiT v2 pretraining (seed article section 1.3, eqs. (3)-(5)) as an Apache Spark job: the driver
 * keeps the one {@link org.beit4j.train.AdamW} state and the checkpoints, every executor keeps one
 * pretraining graph per task slot and computes the gradients of its shard of each step's batch
 * ({@link org.beit4j.pretrain.PretrainModel#replicaPass}); the driver combines them ({@link
 * org.beit4j.train.Replicas#combine}), clips and applies one step ({@link
 * org.beit4j.pretrain.Pretrainer#apply}) and broadcasts the new parameters. Data, tokenizer and
 * checkpoints live behind Hadoop's FileSystem API (local folders, HDFS, S3). docs/scale-out.md
 * gives the costs and a scaling model.
 */
package org.beit4j.spark;
