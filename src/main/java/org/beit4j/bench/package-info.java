/**
 * Speed measurement: GEMM peak and per-stage training-step timings, printed by {@code bin/beit4j
 * bench}.
 */
package org.beit4j.bench;
