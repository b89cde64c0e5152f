package io.datashard.storage;

/** A file that can be read with random access, like parquet-java's {@code InputFile}. */
public interface InputFile {
  /** @return the absolute location */
  String location();

  /** @return the length in bytes */
  long length();

  /** @return a new stream positioned at 0; the caller closes it */
  SeekableInputStream newStream();
}
