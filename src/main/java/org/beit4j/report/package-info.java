/**
 * The run report: {@link org.beit4j.report.RunReport#write} turns a demo run directory into {@code
 * report/report.md} with PNG figures (teacher provenance, tokenizer curves and codebook usage,
 * token maps, pretraining curves, masked patches with predicted tokens, the results table and
 * chart, wall times). {@link org.beit4j.report.MetricsTable} reads the run's CSV files; {@link
 * org.beit4j.report.CurveFigures} and {@link org.beit4j.report.TokenFigures} draw single figures
 * for notebooks too.
 */
package org.beit4j.report;
