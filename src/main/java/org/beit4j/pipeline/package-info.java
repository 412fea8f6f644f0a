/**
 * The whole method as stages over a run folder, in the order of the seed article: teacher ({@link
 * org.beit4j.pipeline.TeacherStage}), VQ-KD tokenizer ({@link org.beit4j.pipeline.TokenizerStage},
 * section 1.2), MIM pretraining with the [CLS] head ({@link org.beit4j.pipeline.PretrainStage},
 * section 1.3), evaluation ({@link org.beit4j.pipeline.ProbeStage}) and the report ({@link
 * org.beit4j.report.RunReport#write}), and the demo recipe that chains them ({@link
 * org.beit4j.pipeline.DemoStage} with a {@link org.beit4j.pipeline.DemoBudget}). Each stage takes a
 * record of typed options (configs, not flag values), loads what earlier stages wrote ({@link
 * org.beit4j.pipeline.Artefacts}, whose errors name the command that makes a missing artefact), and
 * can resume; folder names come from {@link org.beit4j.io.RunLayout}. The CLI and the notebooks
 * both call this package.
 */
package org.beit4j.pipeline;
