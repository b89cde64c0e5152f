package io.datashard.storage;

/**
 * An {@link InputFile} that passes every call to another one; subclasses override what they change (counting,
 * caching), as {@link ForwardingStorageBackend} does for a whole backend.
 */
public abstract class ForwardingInputFile implements InputFile {
  private final InputFile delegate;

  /** @param delegate the file every call goes to */
  protected ForwardingInputFile(InputFile delegate) {
    this.delegate = delegate;
  }

  /** @return the file every call goes to */
  protected final InputFile delegate() {
    return delegate;
  }

  @Override
  public String location() {
    return delegate.location();
  }

  @Override
  public long length() {
    return delegate.length();
  }

  @Override
  public SeekableInputStream newStream() {
    return delegate.newStream();
  }

  @Override
  public SeekableInputStream newSequentialStream() {
    return delegate.newSequentialStream();
  }

  @Override
  public String toString() {
    return delegate.toString();
  }
}
