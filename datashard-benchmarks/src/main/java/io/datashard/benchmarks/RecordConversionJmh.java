package io.datashard.benchmarks;

import io.datashard.Row;
import io.datashard.records.RecordValidator;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Micro-benchmark of the per-row costs in front of the Parquet writer: what a user pays to build a row as a
 * map, and what DataShard pays to validate and convert it ({@link RecordValidator#toRow}), for a
 * {@code HashMap}, a {@code Map.of} and a {@link Row} of the table schema (the positional fast path).
 * One operation = one row. Compare with ~300-450 ns per row for the whole Parquet write (2.3-3.3 M rows/s).
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgs = {"-Xms1g", "-Xmx1g"})
@State(Scope.Thread)
public class RecordConversionJmh {
  private RecordValidator validator;
  private Map<String, Object> hashMap;
  private Map<String, Object> immutableMap;
  private Row record;
  private long i;

  @Setup
  public void setup() {
    validator = new RecordValidator(Bench.SCHEMA);
    hashMap = new Bench.Columns(1).map(0);
    immutableMap = Map.copyOf(hashMap);
    record = new Bench.Columns(1).record(0);
  }

  /** User side: box four values into a HashMap. */
  @Benchmark
  public Map<String, Object> buildHashMap() {
    long n = i++;
    Map<String, Object> m = new HashMap<>(8);
    m.put("id", n);
    m.put("name", "user-0123456789a");
    m.put("value", n * 0.25);
    m.put("ts", n + 1);
    return m;
  }

  /** User side: box four values into a Map.of. */
  @Benchmark
  public Map<String, Object> buildMapOf() {
    long n = i++;
    return Map.of("id", n, "name", "user-0123456789a", "value", n * 0.25, "ts", n + 1);
  }

  @Benchmark
  public Object[] validateHashMap() {
    return validator.toRow(hashMap, 0);
  }

  @Benchmark
  public Object[] validateMapOf() {
    return validator.toRow(immutableMap, 0);
  }

  @Benchmark
  public Object[] validateRecord() {
    return validator.toRow(record, 0);
  }
}
