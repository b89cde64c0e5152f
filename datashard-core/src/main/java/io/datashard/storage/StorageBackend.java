package io.datashard.storage;

import java.util.List;

/**
 * Where tables live: a local directory or an object-store bucket. The narrow interface every engine part
 * talks to, in the spirit of Iceberg's {@code FileIO}.
 *
 * <p>Files are addressed by absolute location strings: {@code file:/abs/path} for local disk,
 * {@code s3://bucket/key} for S3. {@link #root()} is the warehouse location; tables live below it.
 *
 * <p>Implementations must be thread-safe. Every method throws {@link io.datashard.StorageException} (or a
 * subtype) on failure; a secret never appears in a message.
 */
public interface StorageBackend extends AutoCloseable {

  /** @return the warehouse root location, without a trailing slash */
  String root();

  /**
   * @param parent a location
   * @param child a relative path, '/'-separated
   * @return the child location
   */
  default String resolve(String parent, String child) {
    return parent.endsWith("/") ? parent + child : parent + "/" + child;
  }

  /**
   * Reads a whole (small) file, such as metadata JSON or an Avro manifest.
   *
   * @throws FileNotFoundInStorageException when it does not exist
   */
  byte[] readAll(String location);

  /**
   * Writes a whole file, replacing any file of that name. Not a commit primitive, but the replace must be
   * atomic with respect to the name: while it runs and in every crash state, the name holds the old content or
   * the new one, never nothing. Version tombstones depend on this (a version name is never absent once
   * created; docs/concurrency.md). A rename over the old file (local disk) and a plain {@code PutObject} (S3)
   * both qualify; delete-then-create does not.
   */
  void writeAll(String location, byte[] content);

  /**
   * Writes a small advisory file (the version hint), replacing any file of that name, where losing the write
   * in a crash is harmless because readers never depend on it: readers see the old or the new content, but
   * after a power failure the file may be stale, empty or missing. Backends may skip forcing it to disk.
   * Not a commit primitive. The default is {@link #writeAll}.
   */
  default void writeAdvisory(String location, byte[] content) {
    writeAll(location, content);
  }

  /**
   * Makes files written through {@link #newOutputFile(String)} durable before a commit references them.
   * Streams from {@link OutputFile#create()} need not be durable when closed: the commit protocol calls this
   * once with every new file of an attempt, so a backend can force them together. Object stores are durable
   * on upload and need do nothing (the default).
   *
   * @param locations files written and closed
   */
  default void sync(java.util.Collection<String> locations) {
  }

  /**
   * Creates a file only if no file of that name exists, atomically with respect to every other writer of
   * every process and machine. This is the commit primitive.
   *
   * @return true when this call created the file; false when a file of that name already existed (nothing
   *     was written)
   * @throws CommitOutcomeUnknownException when it cannot be known whether the file was created
   *     (timeout, connection reset); the caller must read the file back to find out
   */
  boolean createExclusive(String location, byte[] content);

  /** @return whether the file exists */
  boolean exists(String location);

  /** Deletes a file; deleting a missing file is not an error. */
  void delete(String location);

  /**
   * Lists files below a location (recursively), each with size and modification time.
   *
   * @param prefix a directory-like location
   * @return the files; empty when there are none
   */
  List<FileInfo> list(String prefix);

  /**
   * Lists the immediate child "directories" of a location (common prefixes on object stores).
   *
   * @return child locations without trailing slash
   */
  List<String> listDirectories(String prefix);

  /** @return a handle for reading a file (such as a Parquet data file) with random access */
  InputFile newInputFile(String location);

  /**
   * A handle for reading a file whose length is already known (from a manifest). Object stores use it to skip
   * the request that would otherwise fetch the length; the default ignores the hint.
   *
   * @param location the file
   * @param length its length in bytes, as recorded when it was written
   * @return a handle for reading it
   */
  default InputFile newInputFile(String location, long length) {
    return newInputFile(location);
  }

  /** @return a handle for streaming a new file (such as a Parquet data file) */
  OutputFile newOutputFile(String location);

  /**
   * The longest one call of this backend may take from its start until the store has applied or refused it, the
   * backend's own retries included: how late a write may still land after its caller last looked at anything.
   * Removing old version tombstones waits at least this long on top of twice the writers' base age
   * ({@code VersionFiles.removeTombstones}, docs/concurrency.md, "Removing old tombstones"). The default, for
   * backends that do not know, is 10 minutes.
   *
   * @return the bound
   */
  default java.time.Duration longestCall() {
    return java.time.Duration.ofMinutes(10);
  }

  /** Releases clients and connections; the backend is unusable afterwards. */
  @Override
  void close();
}
