package io.datashard.interop.spark;

import java.nio.file.Path;
import org.apache.spark.sql.SparkSession;

/** The Spark session every Spark test starts from: local mode on 2 threads, loopback only, no UI, Iceberg's SQL. */
final class LocalSpark {
  private LocalSpark() {
  }

  /**
   * @param dir the test's scratch directory ({@code spark-warehouse} goes below it)
   * @param appName the application name
   * @return a builder; the test adds its catalogs and calls {@code getOrCreate()}
   */
  static SparkSession.Builder builder(Path dir, String appName) {
    return SparkSession.builder()
        .master("local[2]")
        .appName(appName)
        .config("spark.ui.enabled", "false")
        .config("spark.driver.host", "127.0.0.1")
        .config("spark.driver.bindAddress", "127.0.0.1")
        .config("spark.sql.shuffle.partitions", "2")
        .config("spark.sql.warehouse.dir", dir.resolve("spark-warehouse").toString())
        .config("spark.sql.extensions", "org.apache.iceberg.spark.extensions.IcebergSparkSessionExtensions");
  }
}
