package io.datashard;

import java.util.Iterator;

/**
 * An iterator holding resources (open files) until closed. Use it in try-with-resources.
 *
 * @param <T> element type
 */
public interface CloseableIterator<T> extends Iterator<T>, AutoCloseable {
  /** Releases the resources; never throws a checked exception. */
  @Override
  void close();
}
