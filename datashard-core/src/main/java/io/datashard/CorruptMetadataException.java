package io.datashard;

/** A metadata, manifest or data file could not be read because its content is damaged or invalid. */
public class CorruptMetadataException extends DataShardException {
  private static final long serialVersionUID = 1L;
  private final String file;

  public CorruptMetadataException(String file, String problem, Throwable cause) {
    super("corrupt file " + file + ": " + problem, cause);
    this.file = file;
  }

  public CorruptMetadataException(String file, String problem) {
    this(file, problem, null);
  }

  /** @return location of the damaged file */
  public String file() {
    return file;
  }
}
