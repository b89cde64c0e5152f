package io.datashard.storage;

import io.datashard.StorageException;

/** A file that was expected does not exist. */
public class FileNotFoundInStorageException extends StorageException {
  private static final long serialVersionUID = 1L;

  public FileNotFoundInStorageException(String location) {
    super("file not found: " + location);
  }
}
