/**
 * Evaluation of representations on a held-out split. Frozen features: {@link
 * org.beit4j.eval.LinearProbe} (multinomial logistic regression on standardised features) and
 * {@link org.beit4j.eval.KnnClassifier} (cosine k-NN with DINO's weighted vote), run together on
 * one extraction by {@link org.beit4j.eval.FrozenEvaluation} for any {@link
 * org.beit4j.eval.FeatureSource} (raw pixels, a ViT with [CLS] or mean pooling, a teacher).
 * End-to-end: {@link org.beit4j.eval.FineTune} with AdamW and {@link org.beit4j.eval.LayerDecay}.
 * {@link org.beit4j.eval.ResultsTable} collects the rows into {@code results.csv} / {@code
 * results.md}. {@link org.beit4j.eval.probe} applies the probe and k-NN to every intermediate
 * representation of a run, stage by stage.
 */
package org.beit4j.eval;
