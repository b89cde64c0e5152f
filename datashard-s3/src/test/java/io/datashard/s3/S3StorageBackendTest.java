package io.datashard.s3;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.datashard.StorageException;
import io.datashard.storage.CommitOutcomeUnknownException;
import io.datashard.storage.FileInfo;
import io.datashard.storage.FileNotFoundInStorageException;
import io.datashard.storage.InputFile;
import io.datashard.storage.PositionOutputStream;
import io.datashard.storage.SeekableInputStream;
import io.datashard.storage.StorageBackend;
import io.datashard.storage.StorageBackendProvider;
import java.io.EOFException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.ServiceLoader;
import java.util.UUID;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class S3StorageBackendTest {
  private S3ProxyServer server;
  private CountingS3Proxy proxy;
  private S3StorageBackend backend;
  private String base;

  @BeforeAll
  void startServer() {
    server = S3ProxyServer.start();
    proxy = CountingS3Proxy.start(server.endpoint());
    backend = new S3StorageBackend(server.configBuilder(proxy.endpoint()).prefix("warehouse")
        .retryDelays(Duration.ofMillis(5), Duration.ofMillis(50)).build());
  }

  @AfterAll
  void stopServer() {
    backend.close();
    proxy.close();
    server.close();
  }

  @BeforeEach
  void freshDirectory() {
    base = backend.root() + "/t-" + UUID.randomUUID();
    proxy.reset();
  }

  private static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  @Test
  void rootHasNoTrailingSlash() {
    assertThat(backend.root()).isEqualTo("s3://test-bucket/warehouse");
    assertThat(backend.resolve(backend.root(), "t/metadata")).isEqualTo("s3://test-bucket/warehouse/t/metadata");
  }

  @Test
  void writeReadExistsDelete() {
    String f = base + "/metadata/v1.metadata.json";
    assertThat(backend.exists(f)).isFalse();
    backend.writeAll(f, bytes("one"));
    assertThat(backend.exists(f)).isTrue();
    assertThat(backend.readAll(f)).isEqualTo(bytes("one"));
    backend.writeAll(f, bytes("two, longer"));
    assertThat(backend.readAll(f)).isEqualTo(bytes("two, longer"));
    assertThat(backend.length(f)).isEqualTo(11);
    backend.delete(f);
    assertThat(backend.exists(f)).isFalse();
    backend.delete(f); // missing: not an error
    assertThatThrownBy(() -> backend.readAll(f)).isInstanceOf(FileNotFoundInStorageException.class).hasMessageContaining(f);
    assertThat(proxy.counts()).containsEntry("PUT", 2).containsEntry("DELETE", 2).containsEntry("GET", 3);
  }

  @Test
  void emptyFile() {
    String f = base + "/empty";
    backend.writeAll(f, new byte[0]);
    assertThat(backend.readAll(f)).isEmpty();
    assertThat(backend.createExclusive(base + "/empty2", new byte[0])).isTrue();
  }

  @Test
  void rejectsNonS3Locations() {
    assertThatThrownBy(() -> backend.readAll("file:/tmp/x")).isInstanceOf(StorageException.class).hasMessageContaining("s3://");
    assertThatThrownBy(() -> backend.readAll("s3://test-bucket/")).isInstanceOf(StorageException.class);
  }

  @Test
  void listIsRecursiveWithSizesAndTimes() {
    long before = System.currentTimeMillis() - 5_000;
    backend.writeAll(base + "/metadata/v1.metadata.json", bytes("a"));
    backend.writeAll(base + "/metadata/v2.metadata.json", bytes("bb"));
    backend.writeAll(base + "/data/x=1/f.parquet", bytes("ccc"));
    backend.writeAll(base + "-sibling/other", bytes("not below base"));
    List<FileInfo> files = backend.list(base);
    assertThat(files).extracting(FileInfo::location).containsExactlyInAnyOrder(
        base + "/metadata/v1.metadata.json", base + "/metadata/v2.metadata.json", base + "/data/x=1/f.parquet");
    assertThat(files).filteredOn(fi -> fi.location().endsWith("v2.metadata.json")).singleElement()
        .satisfies(fi -> {
          assertThat(fi.size()).isEqualTo(2);
          assertThat(fi.lastModifiedMillis()).isGreaterThan(before);
        });
    assertThat(backend.list(base + "/metadata/")).hasSize(2);
    assertThat(backend.list(base + "/nothing")).isEmpty();
    assertThat(backend.listDirectories(base)).containsExactlyInAnyOrder(base + "/metadata", base + "/data");
    assertThat(backend.listDirectories(base + "/data")).containsExactly(base + "/data/x=1");
    assertThat(backend.listDirectories(base + "/nothing")).isEmpty();
  }

  @Test
  void listPaginates() {
    S3StorageBackend paged = new S3StorageBackend(server.configBuilder(proxy.endpoint()).prefix("warehouse").listPageSize(7).build());
    try (paged) {
      for (int i = 0; i < 30; i++) {
        backend.writeAll(base + "/d" + (i % 10) + "/f" + i, bytes("x"));
      }
      proxy.reset();
      assertThat(paged.list(base)).hasSize(30).extracting(FileInfo::location).doesNotHaveDuplicates();
      assertThat(proxy.counts()).containsEntry("LIST", 5); // ceil(30 / 7)
      assertThat(paged.listDirectories(base)).hasSize(10);
    }
  }

  @Test
  void listsMoreThanOneThousandKeys() throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(8);
    try {
      List<Future<?>> writes = new ArrayList<>();
      for (int i = 0; i < 1_050; i++) {
        String f = base + "/many/f" + i;
        writes.add(pool.submit(() -> backend.writeAll(f, new byte[0])));
      }
      for (Future<?> w : writes) {
        w.get();
      }
    } finally {
      pool.shutdown();
    }
    proxy.reset();
    assertThat(backend.list(base + "/many")).hasSize(1_050);
    assertThat(proxy.counts()).containsEntry("LIST", 2);
  }

  @Test
  void createExclusiveCreatesOnceAndNeverOverwrites() {
    String f = base + "/metadata/v1.metadata.json";
    assertThat(backend.createExclusive(f, bytes("first"))).isTrue();
    assertThat(backend.createExclusive(f, bytes("second"))).isFalse(); // the 412 path
    assertThat(backend.readAll(f)).isEqualTo(bytes("first"));
    assertThat(proxy.requests()).filteredOn(r -> r.type().equals("PUT"))
        .allSatisfy(r -> assertThat(r.headers()).containsEntry("if-none-match", "*"));
  }

  @Test
  void createExclusiveHasExactlyOneWinnerUnderRaces() throws Exception {
    int threads = 16;
    int rounds = 50;
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    CyclicBarrier barrier = new CyclicBarrier(threads);
    try {
      List<Future<List<Integer>>> results = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        int id = t;
        results.add(pool.submit(() -> {
          List<Integer> won = new ArrayList<>();
          for (int r = 0; r < rounds; r++) {
            barrier.await();
            if (backend.createExclusive(base + "/race/v" + r + ".metadata.json", bytes("writer-" + id))) {
              won.add(r);
            }
          }
          return won;
        }));
      }
      int[] winners = new int[rounds];
      List<String> winnerIds = new ArrayList<>(java.util.Collections.nCopies(rounds, null));
      for (int t = 0; t < threads; t++) {
        for (int r : results.get(t).get()) {
          winners[r]++;
          winnerIds.set(r, "writer-" + t);
        }
      }
      for (int r = 0; r < rounds; r++) {
        assertThat(winners[r]).as("winners of round %d", r).isEqualTo(1);
        assertThat(new String(backend.readAll(base + "/race/v" + r + ".metadata.json"), StandardCharsets.UTF_8))
            .isEqualTo(winnerIds.get(r));
      }
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void transientErrorsAreRetried() {
    String f = base + "/retry";
    backend.writeAll(f, bytes("v"));
    proxy.inject(r -> r.type().equals("GET"), CountingS3Proxy.Fault.STATUS_503_BEFORE, 2);
    proxy.inject(r -> r.type().equals("GET"), CountingS3Proxy.Fault.STATUS_500_BEFORE, 1);
    assertThat(backend.readAll(f)).isEqualTo(bytes("v"));
    proxy.inject(r -> r.type().equals("HEAD"), CountingS3Proxy.Fault.RESET_BEFORE, 1);
    assertThat(backend.exists(f)).isTrue();
    proxy.inject(r -> r.type().equals("PUT"), CountingS3Proxy.Fault.STATUS_503_BEFORE, 1);
    proxy.inject(r -> r.type().equals("PUT"), CountingS3Proxy.Fault.STATUS_409_BEFORE, 1);
    assertThat(backend.createExclusive(base + "/cx", bytes("c"))).isTrue();
  }

  @Test
  void retriesGiveUpWithAClearError() {
    String f = base + "/always-failing";
    backend.writeAll(f, bytes("v"));
    proxy.inject(r -> r.type().equals("GET"), CountingS3Proxy.Fault.STATUS_500_BEFORE, 100);
    assertThatThrownBy(() -> backend.readAll(f)).isInstanceOf(StorageException.class)
        .hasMessageContaining(f).hasMessageContaining("500").hasMessageContaining("InternalError");
    assertThat(proxy.counts()).containsEntry("GET", 6);
  }

  @Test
  void lostResponseOfAnAppliedCommitIsAnUnknownOutcome() {
    String f = base + "/metadata/v7.metadata.json";
    proxy.inject(r -> r.type().equals("PUT") && r.path().endsWith("v7.metadata.json"), CountingS3Proxy.Fault.RESET_AFTER, 1);
    assertThatThrownBy(() -> backend.createExclusive(f, bytes("mine")))
        .isInstanceOf(CommitOutcomeUnknownException.class).hasMessageContaining(f);
    assertThat(backend.readAll(f)).isEqualTo(bytes("mine")); // it did happen; the core reads it back

    String g = base + "/metadata/v8.metadata.json";
    proxy.inject(r -> r.type().equals("PUT") && r.path().endsWith("v8.metadata.json"), CountingS3Proxy.Fault.STATUS_500_AFTER, 1);
    assertThatThrownBy(() -> backend.createExclusive(g, bytes("mine")))
        .isInstanceOf(CommitOutcomeUnknownException.class);
  }

  @Test
  void failedAttemptThatDidNotApplyIsRetriedToSuccess() {
    String f = base + "/metadata/v9.metadata.json";
    proxy.inject(r -> r.type().equals("PUT") && r.path().endsWith("v9.metadata.json"), CountingS3Proxy.Fault.STATUS_500_BEFORE, 1);
    // The 500 is ambiguous to the client, but the retry's 200 proves this call created the file.
    assertThat(backend.createExclusive(f, bytes("mine"))).isTrue();
  }

  @Test
  void dataFilesStreamAndSeek() throws Exception {
    // the default read stream (classic)
    streamAndSeek(backend, base + "/data/part-00000.parquet");
  }

  @Test
  void dataFilesStreamAndSeekWithTheAnalyticsReadStream() throws Exception {
    try (S3StorageBackend analytics = new S3StorageBackend(server.configBuilder(proxy.endpoint()).prefix("warehouse")
        .readStream(S3Config.ReadStream.ANALYTICS).build())) {
      streamAndSeek(analytics, base + "/data/part-00001.parquet");
    }
  }

  private void streamAndSeek(S3StorageBackend backend, String f) throws Exception {
    boolean analytics = backend.config().readStream() == S3Config.ReadStream.ANALYTICS;
    byte[] data = new byte[3 * 1024 * 1024 + 17];
    new Random(42).nextBytes(data);
    proxy.reset();
    try (PositionOutputStream out = backend.newOutputFile(f).create()) {
      assertThat(out.getPos()).isZero();
      for (int off = 0; off < data.length; off += 65_536) {
        out.write(data, off, Math.min(65_536, data.length - off));
      }
      out.write(new byte[0]);
      assertThat(out.getPos()).isEqualTo(data.length);
    }
    var writeCounts = proxy.counts();
    proxy.reset();
    InputFile in = backend.newInputFile(f);
    assertThat(in.location()).isEqualTo(f);
    assertThat(in.length()).isEqualTo(data.length);
    try (SeekableInputStream s = in.newStream()) {
      // Parquet-like: footer first, then column chunks.
      byte[] tail = new byte[8];
      s.seek(data.length - 8);
      s.readFully(tail, 0, 8);
      assertThat(tail).isEqualTo(java.util.Arrays.copyOfRange(data, data.length - 8, data.length));
      s.seek(1000);
      assertThat(s.getPos()).isEqualTo(1000);
      byte[] chunk = new byte[100_000];
      s.readFully(chunk, 0, chunk.length);
      assertThat(chunk).isEqualTo(java.util.Arrays.copyOfRange(data, 1000, 101_000));
      assertThat(s.getPos()).isEqualTo(101_000);
      assertThat(s.read()).isEqualTo(data[101_000] & 0xff);
      s.seek(data.length - 1);
      assertThat(s.read()).isEqualTo(data[data.length - 1] & 0xff);
      assertThat(s.read()).isEqualTo(-1);
      s.seek(data.length - 4);
      assertThatThrownBy(() -> s.readFully(new byte[8], 0, 8)).isInstanceOf(EOFException.class);
    }
    var readCounts = proxy.counts();
    System.out.println("S3 requests (" + backend.config().readStream() + "): data file write (3 MiB) " + writeCounts
        + ", open+4 seeks/reads " + readCounts);
    assertThat(writeCounts).containsOnlyKeys("PUT").containsEntry("PUT", 1); // no HEAD/LIST before create
    // one HEAD for the length; the analytics stream is handed its entity tag and does not repeat it
    assertThat(readCounts).containsEntry("HEAD", 1).doesNotContainKey("LIST");
    proxy.reset();
    try (SeekableInputStream s = backend.newInputFile(f, data.length).newStream()) {
      byte[] all = s.readAllBytes();
      assertThat(all).isEqualTo(data);
    }
    // a known length (from a manifest): the classic stream makes no HEAD; the analytics stream remembers the object
    assertThat(proxy.counts()).doesNotContainKey("HEAD").doesNotContainKey("LIST");
    if (analytics) {
      // a small object is fetched whole, once, and served from the stream's cache afterwards
      assertThat(proxy.counts().getOrDefault("GET", 0)).isLessThanOrEqualTo(1);
    }
    // vectored reads (what Parquet uses for a row group's column chunks) return exactly the ranges asked for
    try (SeekableInputStream s = backend.newInputFile(f, data.length).newStream()) {
      assertThat(s.supportsVectoredReads()).isTrue();
      var futures = s.readVectored(java.util.List.of(new long[] {10, 1000}, new long[] {2_000_000, 70_000}),
          java.nio.ByteBuffer::allocate);
      assertThat(futures).hasSize(2);
      java.nio.ByteBuffer first = futures.get(0).get();
      java.nio.ByteBuffer second = futures.get(1).get();
      byte[] a = new byte[first.remaining()];
      first.get(a);
      byte[] b = new byte[second.remaining()];
      second.get(b);
      assertThat(a).isEqualTo(java.util.Arrays.copyOfRange(data, 10, 1010));
      assertThat(b).isEqualTo(java.util.Arrays.copyOfRange(data, 2_000_000, 2_070_000));
    }
    // a whole-file read (copy, checksum, read cache) is one GET on either stream, not one per read-ahead range
    proxy.reset();
    try (SeekableInputStream s = backend.newInputFile(f, data.length).newSequentialStream()) {
      assertThat(s.readAllBytes()).isEqualTo(data);
    }
    assertThat(proxy.counts()).doesNotContainKey("HEAD").doesNotContainKey("LIST");
    assertThat(proxy.counts().getOrDefault("GET", 0)).isLessThanOrEqualTo(1);
    assertThat(backend.list(base + "/data")).singleElement().extracting(FileInfo::size).isEqualTo((long) data.length);
  }

  @Test
  void largeDataFileUsesMultipartUpload() throws Exception {
    // S3A's default multipart threshold is 128 MiB: use the default and just make sure a few MiB stream fine.
    String f = base + "/data/big.bin";
    byte[] block = new byte[1 << 20];
    new Random(1).nextBytes(block);
    try (PositionOutputStream out = backend.newOutputFile(f).create()) {
      for (int i = 0; i < 8; i++) {
        out.write(block);
      }
    }
    assertThat(backend.newInputFile(f).length()).isEqualTo(8L << 20);
  }

  @Test
  void missingDataFile() {
    InputFile in = backend.newInputFile(base + "/data/missing.parquet");
    assertThatThrownBy(in::length).isInstanceOf(FileNotFoundInStorageException.class);
    assertThatThrownBy(in::newStream).isInstanceOf(FileNotFoundInStorageException.class);
  }

  @Test
  void providerIsFoundByServiceLoader() {
    List<StorageBackendProvider> providers = ServiceLoader.load(StorageBackendProvider.class).stream()
        .map(ServiceLoader.Provider::get).collect(Collectors.toList());
    assertThat(providers).anySatisfy(p -> assertThat(p.storageType()).isEqualTo("s3"));
    StorageBackendProvider s3 = providers.stream().filter(p -> p.storageType().equals("s3")).findFirst().orElseThrow();
    try (StorageBackend b = s3.create(java.util.Map.of(
        "DATASHARD_S3_ENDPOINT", server.endpoint().toString(),
        "DATASHARD_S3_BUCKET", server.bucket(),
        "DATASHARD_S3_PREFIX", "/env-wh/",
        "DATASHARD_S3_ACCESS_KEY", S3ProxyServer.ACCESS_KEY,
        "DATASHARD_S3_SECRET_KEY", S3ProxyServer.SECRET_KEY))) {
      assertThat(b.root()).isEqualTo("s3://test-bucket/env-wh");
      b.writeAll(b.root() + "/x", bytes("y"));
      assertThat(b.readAll(b.root() + "/x")).isEqualTo(bytes("y"));
    }
  }

  @Test
  void closedBackendRefusesWork() {
    S3StorageBackend b = new S3StorageBackend(server.configBuilder().build());
    b.close();
    b.close();
    assertThatThrownBy(() -> b.exists("s3://test-bucket/x")).isInstanceOf(StorageException.class).hasMessageContaining("closed");
  }

  @Test
  void requestCountsPerOperation() {
    S3StorageBackend fresh = new S3StorageBackend(server.configBuilder(proxy.endpoint()).prefix("warehouse").build());
    try (fresh) {
      StringBuilder report = new StringBuilder("S3 requests per operation:");
      String f = base + "/m/v1.metadata.json";
      proxy.reset();
      fresh.createExclusive(f, bytes("x"));
      report.append("\n  first createExclusive (with probe) ").append(proxy.counts());
      proxy.reset();
      fresh.createExclusive(base + "/m/v2.metadata.json", bytes("x"));
      report.append("\n  createExclusive ").append(proxy.counts());
      proxy.reset();
      fresh.createExclusive(f, bytes("x"));
      report.append("\n  createExclusive, lost race ").append(proxy.counts());
      proxy.reset();
      fresh.writeAll(base + "/m/version-hint.text", bytes("2"));
      report.append("\n  writeAll ").append(proxy.counts());
      proxy.reset();
      fresh.readAll(f);
      report.append("\n  readAll ").append(proxy.counts());
      proxy.reset();
      fresh.exists(base + "/m/v3.metadata.json");
      report.append("\n  exists ").append(proxy.counts());
      proxy.reset();
      fresh.list(base + "/m");
      report.append("\n  list (<1000 keys) ").append(proxy.counts());
      System.out.println(report);
      assertThat(proxy.counts()).containsOnlyKeys("LIST");
    }
  }
}
