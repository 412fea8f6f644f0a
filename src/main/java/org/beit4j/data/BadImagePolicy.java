package org.beit4j.data;

/** What {@link ImageBatchIterator} does with an image that cannot be read. */
public enum BadImagePolicy {
  /** Stop with the {@link DatasetException} that names the file (the default). */
  FAIL,
  /** Log a warning naming the file, leave it out of the batch and count it. */
  SKIP
}
