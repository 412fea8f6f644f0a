/**
 * The optimiser and schedules that every stage shares: {@link org.beit4j.train.AdamW} with BEiT's
 * weight-decay rule, {@link org.beit4j.train.WarmupCosineSchedule}, and the {@link
 * org.beit4j.train.ProgressBar} for long loops.
 */
package org.beit4j.train;
