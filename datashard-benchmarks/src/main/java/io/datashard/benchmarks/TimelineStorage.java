package io.datashard.benchmarks;

import io.datashard.storage.ForwardingStorageBackend;
import io.datashard.storage.InputFile;
import io.datashard.storage.OutputFile;
import io.datashard.storage.PositionOutputStream;
import io.datashard.storage.StorageBackend;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * A {@link StorageBackend} decorator that records a timeline of storage events (file created, stream
 * closed, exclusive create, hint written, probes), each with {@link System#nanoTime()}, so a benchmark can
 * split one commit into phases without touching the library: the time between two consecutive events is
 * spent in whatever the library does between them (encoding, serialization, fsync inside close).
 *
 * <p>Not thread-safe; for single-threaded benchmarks.
 */
final class TimelineStorage extends ForwardingStorageBackend {
  /** One event: what happened to which kind of file, and when. */
  record Event(String label, long nanos) {
  }

  private final List<Event> events = new ArrayList<>();
  private boolean recording;

  TimelineStorage(StorageBackend delegate) {
    super(delegate);
  }

  /** Starts a fresh timeline with a "start" event. */
  void start() {
    events.clear();
    recording = true;
    mark("start");
  }

  /** Ends the timeline with an "end" event. @return the events, oldest first */
  List<Event> stop() {
    mark("end");
    recording = false;
    return List.copyOf(events);
  }

  private void mark(String label) {
    if (recording) {
      events.add(new Event(label, System.nanoTime()));
    }
  }

  static String kind(String location) {
    if (location.endsWith(".parquet")) {
      return "data";
    }
    if (location.endsWith("version-hint.text")) {
      return "hint";
    }
    if (location.endsWith(".metadata.json")) {
      return "metadata.json";
    }
    if (location.contains("/metadata/snap-")) {
      return "manifest-list";
    }
    if (location.endsWith(".avro")) {
      return "manifest";
    }
    return "other";
  }

  @Override
  public byte[] readAll(String location) {
    mark("read " + kind(location) + " begin");
    byte[] b = delegate().readAll(location);
    mark("read " + kind(location) + " end");
    return b;
  }

  @Override
  public void writeAll(String location, byte[] content) {
    mark("writeAll " + kind(location) + " begin");
    delegate().writeAll(location, content);
    mark("writeAll " + kind(location) + " end");
  }

  @Override
  public void writeAdvisory(String location, byte[] content) {
    mark("writeAdvisory " + kind(location) + " begin");
    delegate().writeAdvisory(location, content);
    mark("writeAdvisory " + kind(location) + " end");
  }

  @Override
  public void sync(java.util.Collection<String> locations) {
    mark("sync " + locations.size() + " files begin");
    delegate().sync(locations);
    mark("sync " + locations.size() + " files end");
  }

  @Override
  public boolean createExclusive(String location, byte[] content) {
    mark("createExclusive " + kind(location) + " begin");
    boolean created = delegate().createExclusive(location, content);
    mark("createExclusive " + kind(location) + " end");
    return created;
  }

  @Override
  public boolean exists(String location) {
    mark("exists " + kind(location) + " begin");
    boolean e = delegate().exists(location);
    mark("exists " + kind(location) + " end");
    return e;
  }

  @Override
  public InputFile newInputFile(String location) {
    mark("open " + kind(location));
    return delegate().newInputFile(location);
  }

  @Override
  public OutputFile newOutputFile(String location) {
    OutputFile out = delegate().newOutputFile(location);
    String kind = kind(location);
    return new OutputFile() {
      @Override
      public String location() {
        return out.location();
      }

      @Override
      public PositionOutputStream create() {
        mark("create " + kind + " begin");
        PositionOutputStream s = out.create();
        mark("create " + kind + " end");
        return new PositionOutputStream() {
          @Override
          public long getPos() throws IOException {
            return s.getPos();
          }

          @Override
          public void write(int b) throws IOException {
            s.write(b);
          }

          @Override
          public void write(byte[] b, int off, int len) throws IOException {
            s.write(b, off, len);
          }

          @Override
          public void flush() throws IOException {
            s.flush();
          }

          @Override
          public void close() throws IOException {
            mark("close " + kind + " begin");
            s.close();
            mark("close " + kind + " end");
          }
        };
      }
    };
  }
}
