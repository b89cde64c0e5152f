package io.datashard.storage;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Test decorator that counts what passes through a {@link StorageBackend}: bytes read through input streams,
 * streams opened per file, whole-file reads and writes, and the order of syncs and exclusive creates. Used to
 * prove that projection and pruning read only what they must and that commits are durable before they happen.
 */
public class CountingStorageBackend extends ForwardingStorageBackend {
  /** Bytes read through {@link InputFile} streams. */
  public final AtomicLong bytesRead = new AtomicLong();
  /** Streams opened through {@link InputFile#newStream()}, per location. */
  public final Map<String, AtomicLong> streamsOpened = new ConcurrentHashMap<>();
  /** Calls of {@link #readAll(String)}. */
  public final AtomicLong wholeFileReads = new AtomicLong();
  /** Calls of {@link #writeAll}, {@link #writeAdvisory}, {@link #createExclusive} and {@link OutputFile#create()}. */
  public final AtomicLong writes = new AtomicLong();
  /** Every location passed to {@link #sync}, and every exclusive create, in order ("sync:" / "create:" prefixes). */
  public final List<String> durabilityEvents = java.util.Collections.synchronizedList(new java.util.ArrayList<>());

  public CountingStorageBackend(StorageBackend delegate) {
    super(delegate);
  }

  /** Sets every counter to zero. */
  public void reset() {
    bytesRead.set(0);
    streamsOpened.clear();
    wholeFileReads.set(0);
    writes.set(0);
    durabilityEvents.clear();
  }

  /** @return how many streams were opened on Parquet data files */
  public long dataFileStreams() {
    return streamsOpened.entrySet().stream().filter(e -> e.getKey().endsWith(".parquet"))
        .mapToLong(e -> e.getValue().get()).sum();
  }

  /** @return how many distinct Parquet data files had a stream opened */
  public long distinctDataFilesRead() {
    return streamsOpened.keySet().stream().filter(k -> k.endsWith(".parquet")).count();
  }

  @Override
  public byte[] readAll(String location) {
    wholeFileReads.incrementAndGet();
    return super.readAll(location);
  }

  @Override
  public void writeAll(String location, byte[] content) {
    writes.incrementAndGet();
    super.writeAll(location, content);
  }

  @Override
  public void writeAdvisory(String location, byte[] content) {
    writes.incrementAndGet();
    super.writeAdvisory(location, content);
  }

  @Override
  public void sync(java.util.Collection<String> locations) {
    locations.forEach(l -> durabilityEvents.add("sync:" + l));
    super.sync(locations);
  }

  @Override
  public boolean createExclusive(String location, byte[] content) {
    durabilityEvents.add("create:" + location);
    writes.incrementAndGet();
    return super.createExclusive(location, content);
  }

  @Override
  public InputFile newInputFile(String location) {
    return counting(super.newInputFile(location));
  }

  @Override
  public InputFile newInputFile(String location, long length) {
    return counting(super.newInputFile(location, length));
  }

  private InputFile counting(InputFile in) {
    InputFile counted = new CountingInputFile(in, bytesRead);
    return new InputFile() {
      @Override
      public String location() {
        return in.location();
      }

      @Override
      public long length() {
        return in.length();
      }

      @Override
      public SeekableInputStream newStream() {
        streamsOpened.computeIfAbsent(in.location(), k -> new AtomicLong()).incrementAndGet();
        return counted.newStream();
      }
    };
  }

  @Override
  public OutputFile newOutputFile(String location) {
    OutputFile out = super.newOutputFile(location);
    return new OutputFile() {
      @Override
      public String location() {
        return out.location();
      }

      @Override
      public PositionOutputStream create() {
        writes.incrementAndGet();
        return out.create();
      }
    };
  }
}
