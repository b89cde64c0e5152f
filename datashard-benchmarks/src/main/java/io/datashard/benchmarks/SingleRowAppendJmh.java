package io.datashard.benchmarks;

import io.datashard.Snapshot;
import io.datashard.Table;
import io.datashard.Warehouse;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * JMH view of target 2: one single-row {@code appendRecords} (a full commit) per operation on a warm table
 * handle on local disk, with the shipped fsync. Sample-time mode reports the percentiles. The table grows by
 * one snapshot per operation over the run (as a real table does); {@link AppendLatencyBench} reports how
 * latency depends on that.
 */
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 3, time = 2)
@Fork(value = 1, jvmArgs = {"-Xms1g", "-Xmx1g"})
@State(Scope.Thread)
public class SingleRowAppendJmh {
  @Param({"true"})
  public boolean fsync;

  private Path dir;
  private Warehouse warehouse;
  private Table table;
  private long i;

  @Setup(Level.Trial)
  public void setup() throws Exception {
    dir = Bench.tempDir("ds-jmh-append");
    warehouse = Warehouse.of(new io.datashard.storage.LocalStorageBackend(dir, fsync));
    table = warehouse.createTable("jmh", Bench.SCHEMA);
  }

  @TearDown(Level.Trial)
  public void tearDown() {
    warehouse.close();
    Bench.deleteRecursively(dir);
  }

  @Benchmark
  public Snapshot appendOneRow() {
    long n = i++;
    return table.appendRecords(List.of(Map.of("id", n, "name", Bench.name(n), "value", Bench.value(n), "ts",
        Bench.ts(n))));
  }
}
