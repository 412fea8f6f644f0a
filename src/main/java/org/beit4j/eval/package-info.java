/**
 * Evaluation of frozen representations: {@link org.beit4j.eval.LinearProbe} (multinomial logistic
 * regression on standardised features) and {@link org.beit4j.eval.KnnClassifier} (cosine k-NN with
 * DINO's weighted vote). Both take feature rows {@code [M, F]} and {@code int[]} labels and report
 * top-1 accuracy, so any backbone, tokenizer or teacher can be compared on the same footing.
 */
package org.beit4j.eval;
