/**
 * The optimiser and schedules that every stage shares: {@link org.beit4j.train.AdamW} with BEiT's
 * weight-decay rule, {@link org.beit4j.train.WarmupCosineSchedule}, and the {@link
 * org.beit4j.train.ProgressBar} for long loops. How a model is trained is a {@link
 * org.beit4j.train.RunConfig} ({@link org.beit4j.train.Optimizer}, {@link
 * org.beit4j.train.Schedule}, batch, logging, checkpoints, seed), kept apart from what the model
 * is. {@link org.beit4j.train.Replicas} spreads a training step over K graph copies on K threads
 * (data parallelism in one JVM) and applies their combined gradient as one optimiser step.
 */
package org.beit4j.train;
