package io.datashard.storage;

/** A file to be written as a stream, like parquet-java's {@code OutputFile}. */
public interface OutputFile {
  /** @return the absolute location */
  String location();

  /**
   * Opens the file for writing. Data files get unique names, so this never needs to be exclusive; a
   * file is complete and visible under its name only once the stream is closed successfully.
   *
   * @return a new stream; the caller closes it
   */
  PositionOutputStream create();
}
