/**
 * Stage-by-stage probes (issue #17): the linear probe and k-NN of {@link org.beit4j.eval} applied
 * to every intermediate representation of a BEiT v2 run on one fixed split and seed, so that the
 * place where class information is lost can be read off one table. Covered: the teacher's patch
 * features (seed article section 1.2, raw and l2-normalised), the VQ-KD encoder's output before the
 * lookup of eq. (1), the decoder's reconstruction of eq. (2), the code maps and their bags of
 * words, and the pretrained backbone at every layer read as [CLS], patch mean and both (sections
 * 1.3.1-1.3.2).
 *
 * <p>{@link org.beit4j.eval.probe.StageProbe} is the harness, {@link
 * org.beit4j.eval.probe.StageSources} builds the stages, {@link org.beit4j.eval.probe.StageTable}
 * is the result (Markdown, CSV, and the per-layer plot of {@link org.beit4j.eval.probe.LayerPlot}).
 */
package org.beit4j.eval.probe;
