package io.datashard;

import java.util.List;
import java.util.stream.Stream;

/**
 * A scan whose rows are returned as plain Java objects: {@code table.scan().filter(...).as(Event.class)}. Each
 * row becomes a new instance, built by name: a {@code record} through its canonical constructor, another class
 * through its constructor without parameters and its setters or fields. Only the columns the class has are read.
 *
 * @param <T> the class
 */
public interface TypedScan<T> {
  /** @return all matching rows as objects, in memory */
  List<T> toList();

  /** @return a streaming iterator holding at most one open data file; close it */
  CloseableIterator<T> iterator();

  /** @return a stream over the objects; close it (try-with-resources) to release files */
  Stream<T> stream();
}
