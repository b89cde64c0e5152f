package io.datashard.benchmarks;

import io.datashard.Table;
import io.datashard.Warehouse;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * The process {@link ColdStartBench} launches: prints wall-clock milliseconds when {@code main} starts, when
 * the table exists and when the first append is committed. Nothing else is loaded before the clock is read.
 */
public final class ColdStartChild {
  private ColdStartChild() {
  }

  /** @param args the warehouse directory */
  public static void main(String[] args) {
    long main = System.currentTimeMillis();
    try (Warehouse wh = Warehouse.local(Path.of(args[0]))) {
      Table t = wh.createTable("cold", Bench.SCHEMA);
      long created = System.currentTimeMillis();
      t.appendRecords(List.of(Map.of("id", 1L, "name", "user-00000000001", "value", 0.5, "ts", 1L)));
      long committed = System.currentTimeMillis();
      System.out.println("main " + main);
      System.out.println("created " + created);
      System.out.println("committed " + committed);
    }
  }
}
