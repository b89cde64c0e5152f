package io.datashard;

import java.util.List;

/**
 * The quickest way in: static methods on a default {@link Warehouse} configured from the environment.
 *
 * <p>The default warehouse is created on first use from the {@code DATASHARD_*} environment variables
 * ({@code DATASHARD_STORAGE_TYPE}: {@code local} by default, with {@code DATASHARD_WAREHOUSE} naming the
 * directory, {@code ./warehouse} by default; or {@code s3} with the {@code DATASHARD_S3_*} variables and the
 * {@code datashard-s3} module on the class path). This is the one piece of process-wide state in DataShard;
 * programs that need several warehouses use {@link Warehouse} directly.
 * <pre>{@code
 * Table t = DataShard.createTable("user-events", schema);
 * t.appendRecords(List.of(Map.of("user_id", 1L, "event", "login")));
 * }</pre>
 */
public final class DataShard {
  private static volatile Warehouse defaultWarehouse;

  private DataShard() {
  }

  /** @return the default warehouse, created from the environment on first use */
  public static Warehouse warehouse() {
    Warehouse w = defaultWarehouse;
    if (w == null) {
      synchronized (DataShard.class) {
        w = defaultWarehouse;
        if (w == null) {
          w = Warehouse.fromEnvironment();
          defaultWarehouse = w;
        }
      }
    }
    return w;
  }

  /**
   * Replaces the default warehouse (for notebooks and tests). The previous one is not closed.
   *
   * @param warehouse the new default
   */
  public static synchronized void setWarehouse(Warehouse warehouse) {
    defaultWarehouse = warehouse;
  }

  /** @see Warehouse#createTable(String, Schema) */
  public static Table createTable(String name, Schema schema) {
    return warehouse().createTable(name, schema);
  }

  /** @see Warehouse#createTable(String, Schema, PartitionSpec) */
  public static Table createTable(String name, Schema schema, PartitionSpec spec) {
    return warehouse().createTable(name, schema, spec);
  }

  /** @see Warehouse#createTableIfAbsent(String, Schema, PartitionSpec) */
  public static Table createTableIfAbsent(String name, Schema schema) {
    return warehouse().createTableIfAbsent(name, schema);
  }

  /** @see Warehouse#createTableIfAbsent(String, Schema, PartitionSpec) */
  public static Table createTableIfAbsent(String name, Schema schema, PartitionSpec spec) {
    return warehouse().createTableIfAbsent(name, schema, spec);
  }

  /** @see Warehouse#loadTable(String) */
  public static Table loadTable(String name) {
    return warehouse().loadTable(name);
  }

  /** @see Warehouse#tableExists(String) */
  public static boolean tableExists(String name) {
    return warehouse().tableExists(name);
  }

  /** @see Warehouse#listTables() */
  public static List<String> listTables() {
    return warehouse().listTables();
  }

  /** @see Warehouse#dropTable(String) */
  public static boolean dropTable(String name) {
    return warehouse().dropTable(name);
  }
}
