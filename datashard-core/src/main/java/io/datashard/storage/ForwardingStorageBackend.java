package io.datashard.storage;

import java.util.Collection;
import java.util.List;

/**
 * A {@link StorageBackend} that forwards every call to another one. Decorators (a read cache, request
 * counting, fault hooks in tests) extend it and override only the calls they change.
 */
public abstract class ForwardingStorageBackend implements StorageBackend {
  private final StorageBackend delegate;

  protected ForwardingStorageBackend(StorageBackend delegate) {
    this.delegate = java.util.Objects.requireNonNull(delegate, "delegate");
  }

  /** @return the backend calls are forwarded to */
  public StorageBackend delegate() {
    return delegate;
  }

  @Override
  public String root() {
    return delegate.root();
  }

  @Override
  public String resolve(String parent, String child) {
    return delegate.resolve(parent, child);
  }

  @Override
  public byte[] readAll(String location) {
    return delegate.readAll(location);
  }

  @Override
  public void writeAll(String location, byte[] content) {
    delegate.writeAll(location, content);
  }

  @Override
  public void writeAdvisory(String location, byte[] content) {
    delegate.writeAdvisory(location, content);
  }

  @Override
  public void sync(Collection<String> locations) {
    delegate.sync(locations);
  }

  @Override
  public boolean createExclusive(String location, byte[] content) {
    return delegate.createExclusive(location, content);
  }

  @Override
  public boolean exists(String location) {
    return delegate.exists(location);
  }

  @Override
  public void delete(String location) {
    delegate.delete(location);
  }

  @Override
  public List<FileInfo> list(String prefix) {
    return delegate.list(prefix);
  }

  @Override
  public List<String> listDirectories(String prefix) {
    return delegate.listDirectories(prefix);
  }

  @Override
  public InputFile newInputFile(String location) {
    return delegate.newInputFile(location);
  }

  @Override
  public InputFile newInputFile(String location, long length) {
    return delegate.newInputFile(location, length);
  }

  @Override
  public java.time.Duration longestCall() {
    return delegate.longestCall();
  }

  @Override
  public OutputFile newOutputFile(String location) {
    return delegate.newOutputFile(location);
  }

  @Override
  public void close() {
    delegate.close();
  }
}
