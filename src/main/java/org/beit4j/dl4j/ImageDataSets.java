package org.beit4j.dl4j;

import org.beit4j.data.Image;
import org.beit4j.data.ImageDataset;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;

/** Images of an {@link ImageDataset} as DL4J {@link DataSet}s, for {@code MultiLayerNetwork}s. */
public final class ImageDataSets {

  private ImageDataSets() {}

  /**
   * Images {@code from .. from+count-1} as features {@code [count, C, H, W]} (NCHW, float, as
   * stored) and one-hot labels {@code [count, numClasses]}.
   */
  public static DataSet of(ImageDataset dataset, int from, int count) {
    if (from < 0 || count < 1 || from + count > dataset.size()) {
      throw new IllegalArgumentException(
          "images [" + from + ", " + (from + count) + ") not in [0, " + dataset.size() + ")");
    }
    Image first = dataset.image(from);
    int pixels = first.channels() * first.height() * first.width();
    float[] flat = new float[count * pixels];
    INDArray labels = Nd4j.zeros(DataType.FLOAT, count, dataset.numClasses());
    for (int i = 0; i < count; i++) {
      Image image = i == 0 ? first : dataset.image(from + i);
      System.arraycopy(image.pixels(), 0, flat, i * pixels, pixels);
      labels.putScalar(i, dataset.label(from + i), 1.0);
    }
    INDArray features =
        Nd4j.create(flat, new long[] {count, first.channels(), first.height(), first.width()}, 'c');
    return new DataSet(features, labels);
  }
}
