package org.beit4j.eval;

/**
 * What a {@link FrozenEvaluation} measured for one {@link FeatureSource}.
 *
 * @param name the source's name
 * @param description the source's description
 * @param linearTop1 linear-probe top-1 on the held-out images, in [0, 1]
 * @param knnTop1 k-NN top-1 on the held-out images, in [0, 1]
 * @param trainImages images the probe and the k-NN index were fitted on
 * @param testImages held-out images scored
 * @param seconds wall time of feature extraction, probe and k-NN together
 */
public record ProbeResult(
    String name,
    String description,
    double linearTop1,
    double knnTop1,
    int trainImages,
    int testImages,
    double seconds) {}
