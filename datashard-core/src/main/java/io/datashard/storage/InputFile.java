package io.datashard.storage;

/** A file that can be read with random access, like parquet-java's {@code InputFile}. */
public interface InputFile {
  /** @return the absolute location */
  String location();

  /** @return the length in bytes */
  long length();

  /** @return a new stream positioned at 0, for random access (footer first, then ranges); the caller closes it */
  SeekableInputStream newStream();

  /**
   * A stream for reading the whole file front to back (copying, checksumming, caching). Object stores fetch it
   * in one request instead of range by range; elsewhere it is {@link #newStream()}.
   *
   * @return a new stream positioned at 0; the caller closes it
   */
  default SeekableInputStream newSequentialStream() {
    return newStream();
  }
}
