/**
 * Speed measurement (issue 14): one step of every stage of the pipeline ({@link
 * org.beit4j.bench.StageBench}, one small class per stage, gathered by {@link
 * org.beit4j.bench.BenchSuite}), FLOPs counted from the configuration ({@link
 * org.beit4j.bench.FlopCount}), the host's GEMM peak, peak memory ({@link
 * org.beit4j.bench.MemorySampler}), printed by {@code bin/beit4j bench} as Markdown or JSON ({@link
 * org.beit4j.bench.BenchReport}). See {@code docs/performance.md}.
 */
package org.beit4j.bench;
