/**
 * Images in, batches out: datasets, transforms and the batch iterator that feeds SameDiff.
 *
 * <ul>
 *   <li>Datasets ({@link org.beit4j.data.ImageDataset}, pixels in [0, 1]): {@link
 *       org.beit4j.data.FashionMnist} (Debian's dataset-fashion-mnist, gzipped IDX parsed by {@link
 *       org.beit4j.data.IdxFile}), {@link org.beit4j.data.ImageFolder} ({@code
 *       root/<class>/<image>} through DataVec's ImageLoader), {@link org.beit4j.data.SamplePhotos}
 *       (CC0/public-domain crops in {@code datasets/samples}), {@link
 *       org.beit4j.data.SyntheticImages} (generated, for unit tests); {@link
 *       org.beit4j.data.ImageDataset#first} takes the first {@code n} images.
 *   <li>Transforms ({@link org.beit4j.data.ImageTransform}, built by {@link
 *       org.beit4j.data.Transforms} or {@link org.beit4j.data.TransformConfig}): resize, random
 *       resized crop, flip, channel conversion, normalisation; {@link
 *       org.beit4j.data.TwoViewTransform} makes BEiT v2's tokenizer and ViT views of one crop.
 *   <li>{@link org.beit4j.data.ImageBatchIterator}: seeded, shuffled, limited batches as ND4J
 *       {@code MultiDataSet}s, {@code features[k] = [B, C, H, W]} per view and one-hot {@code
 *       labels[0] = [B, numClasses]}, configured by {@link org.beit4j.data.LoaderConfig}.
 *   <li>Errors are {@link org.beit4j.data.DatasetException}s naming the file, what is wrong and the
 *       fix.
 * </ul>
 */
package org.beit4j.data;
