/**
 * The whole method as stages over a run folder, in the order of the seed article: teacher, VQ-KD
 * tokenizer (section 1.2), MIM pretraining with the [CLS] head (section 1.3), evaluation and the
 * report, and the demo recipe that chains them. Each stage loads what earlier stages wrote and can
 * resume; the CLI and the notebooks both call this package.
 */
package org.beit4j.pipeline;
