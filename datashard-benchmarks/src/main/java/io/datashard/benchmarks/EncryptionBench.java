package io.datashard.benchmarks;

import io.datashard.Appender;
import io.datashard.CloseableIterator;
import io.datashard.PartitionSpec;
import io.datashard.Row;
import io.datashard.Table;
import io.datashard.TableProperties;
import io.datashard.Warehouse;
import io.datashard.encryption.EncryptionSettings;
import io.datashard.encryption.Pkcs12KeyStore;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Client-side encryption's cost, side by side in one run: an append of {@code rows} rows (one commit, one data
 * file) and a full scan of it, on local disk, for an unencrypted table, a table with every column encrypted
 * (encrypted footer, the default), and a table with one column encrypted and a plaintext footer. Rounds are
 * interleaved (plain, encrypted, partly, plain, ...) so machine load falls on all alike; best of {@code rounds}
 * after one warm-up round. Master key in a PKCS#12 key store (one wrap per file written, one unwrap per file read).
 */
final class EncryptionBench {
  private EncryptionBench() {
  }

  static void run(Map<String, String> opts) throws Exception {
    int rows = Integer.parseInt(opts.getOrDefault("rows", "1000000"));
    int rounds = Integer.parseInt(opts.getOrDefault("rounds", "3"));
    Path dir = Bench.tempDir("ds-encrypt");
    Bench.out("## Encryption: append and scan of %,d rows, %d rounds (+1 warm-up); load %s", rows, rounds,
        Bench.loadAverage());
    Path keystore = dir.resolve("keys.p12");
    char[] password = "bench".toCharArray();
    Pkcs12KeyStore.generateKey(keystore, password, "bench-key");
    Bench.Columns cols = new Bench.Columns(rows);
    Map<String, Map<String, String>> configs = new LinkedHashMap<>();
    configs.put("unencrypted", Map.of(TableProperties.PARQUET_COMPRESSION, "zstd"));
    configs.put("all columns, encrypted footer", Map.of(TableProperties.PARQUET_COMPRESSION, "zstd",
        EncryptionSettings.KEY_ID, "bench-key"));
    configs.put("1 column (name), plaintext footer", Map.of(TableProperties.PARQUET_COMPRESSION, "zstd",
        EncryptionSettings.KEY_ID, "bench-key", EncryptionSettings.COLUMNS, "name",
        EncryptionSettings.FOOTER, "plaintext"));
    Map<String, List<Bench.Sample>> appends = new LinkedHashMap<>();
    Map<String, List<Bench.Sample>> scans = new LinkedHashMap<>();
    try (Pkcs12KeyStore keys = Pkcs12KeyStore.open(keystore, password);
         Warehouse wh = Warehouse.local(dir.resolve("wh")).withKeyManagement(keys)) {
      int n = 0;
      for (int round = 0; round <= rounds; round++) {
        for (Map.Entry<String, Map<String, String>> c : configs.entrySet()) {
          Table t = wh.createTable("t" + n++, Bench.SCHEMA, PartitionSpec.unpartitioned(), c.getValue());
          Bench.Sample a = Bench.time(() -> {
            try (Appender app = t.newAppend()) {
              for (int i = 0; i < rows; i++) {
                app.add(cols.record(i));
              }
              app.commit();
            }
          });
          Bench.Sample s = Bench.time(() -> check(rows, t));
          if (round > 0) {
            appends.computeIfAbsent(c.getKey(), k -> new ArrayList<>()).add(a);
            scans.computeIfAbsent(c.getKey(), k -> new ArrayList<>()).add(s);
          }
        }
      }
    } finally {
      Bench.deleteRecursively(dir);
    }
    Bench.Sample basePut = Bench.best(appends.get("unencrypted"));
    Bench.Sample baseScan = Bench.best(scans.get("unencrypted"));
    Bench.out("");
    Bench.out("| table | append rows/s (wall) | vs unencrypted | append CPU rows/s | scan rows/s (wall) "
        + "| vs unencrypted | scan CPU rows/s |");
    Bench.out("|---|---:|---:|---:|---:|---:|---:|");
    for (String name : configs.keySet()) {
      Bench.Sample a = Bench.best(appends.get(name));
      Bench.Sample s = Bench.best(scans.get(name));
      Bench.out("| %s | %,.0f | %.2fx | %,.0f | %,.0f | %.2fx | %,.0f |", name, a.wallRate(rows),
          a.wallRate(rows) / basePut.wallRate(rows), a.cpuRate(rows), s.wallRate(rows),
          s.wallRate(rows) / baseScan.wallRate(rows), s.cpuRate(rows));
    }
    Bench.out("load after: %s", Bench.loadAverage());
  }

  private static void check(int rows, Table t) {
    long n = 0;
    long sum = 0;
    try (CloseableIterator<Row> it = t.scan().iterator()) {
      while (it.hasNext()) {
        Row r = it.next();
        sum += (Long) r.get(0);
        n++;
      }
    }
    if (n != rows) {
      throw new IllegalStateException("scanned " + n + " rows, expected " + rows);
    }
    Bench.sink += sum;
  }
}
