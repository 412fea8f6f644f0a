/**
 * Speed measurement (issue 14): one step of every stage of the pipeline ({@link
 * org.beit4j.bench.StageBench}, one small class per stage, gathered by {@link
 * org.beit4j.bench.BenchSuite}), FLOPs counted from the configuration ({@link
 * org.beit4j.bench.FlopCount}), the host's GEMM peak, peak memory ({@link
 * org.beit4j.bench.MemorySampler}), printed by {@code bin/beit4j bench} as Markdown or JSON ({@link
 * org.beit4j.bench.BenchReport}). See {@code docs/performance.md}.
 *
 * <p>Profiling tools run by hand ({@code bin/profile-step}, section "Profile" of {@code
 * docs/performance.md}): the per-op profile of a training step ({@link
 * org.beit4j.bench.StepProfile} with the listener {@link org.beit4j.bench.OpTimer}), fused against
 * composed op A/B ({@link org.beit4j.bench.OpAb}), runtime-setting A/B ({@link
 * org.beit4j.bench.SettingsAb}) and K graphs on K threads ({@link org.beit4j.bench.ReplicaProbe}).
 */
package org.beit4j.bench;
