package io.datashard;

/** The storage (disk or object store) failed an operation. The message says which file and why. */
public class StorageException extends DataShardException {
  private static final long serialVersionUID = 1L;

  public StorageException(String message, Throwable cause) {
    super(message, cause);
  }

  public StorageException(String message) {
    super(message);
  }
}
