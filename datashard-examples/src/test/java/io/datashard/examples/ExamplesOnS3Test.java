package io.datashard.examples;

import static org.assertj.core.api.Assertions.assertThat;

import io.datashard.Table;
import io.datashard.Warehouse;
import io.datashard.s3.S3ProxyServer;
import io.datashard.s3.S3StorageBackend;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The README's Quickstart and the S3 example run against S3 when only {@code DATASHARD_*} variables are set:
 * each runs in a child JVM whose environment holds nothing else, against an in-process S3Proxy.
 */
class ExamplesOnS3Test {
  private static S3ProxyServer server;

  @TempDir
  Path dir;

  @BeforeAll
  static void start() {
    server = S3ProxyServer.start();
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  private static Map<String, String> env(String prefix) {
    return Map.of(
        "DATASHARD_STORAGE_TYPE", "s3",
        "DATASHARD_S3_ENDPOINT", server.endpoint().toString(),
        "DATASHARD_S3_BUCKET", server.bucket(),
        "DATASHARD_S3_PREFIX", prefix,
        "DATASHARD_S3_ACCESS_KEY", S3ProxyServer.ACCESS_KEY,
        "DATASHARD_S3_SECRET_KEY", S3ProxyServer.SECRET_KEY);
  }

  @Test
  void quickstartRunsOnS3FromEnvironmentVariablesAlone() throws Exception {
    Map<String, String> env = env("quickstart");
    String first = run(env, Quickstart.class.getName());
    String location = "s3://" + server.bucket() + "/quickstart/user-events";
    assertThat(first).contains("Table user-events at " + location, "Rows (3):", "user_id=1", "event=login",
        "Time travel to the first snapshot: 2 rows as of then", "+1 row, total 3");
    assertThat(first).doesNotContain("1 rows");
    // Nothing was written to a local ./warehouse: the child's working directory stays empty of tables.
    assertThat(dir.resolve("warehouse")).doesNotExist();

    String second = run(env, Quickstart.class.getName()); // appends to the same table
    assertThat(second).contains("Table user-events at " + location, "Rows (6):");

    try (Warehouse wh = Warehouse.fromEnvironment(env)) {
      assertThat(wh.storage()).isInstanceOf(S3StorageBackend.class);
      Table t = wh.loadTable("user-events");
      assertThat(t.snapshots()).hasSize(4);
      assertThat(t.scan().count()).isEqualTo(6);
    }
  }

  @Test
  void s3ExampleReportsWhatItDid() throws Exception {
    Map<String, String> env = env("example");
    String out = run(env, S3Example.class.getName(), "sensors", "5000");
    assertThat(out).contains("Warehouse s3://" + server.bucket() + "/example on S3StorageBackend",
        "Created table sensors at s3://" + server.bucket() + "/example/sensors",
        "Appended 5000 rows in one commit", "Appended 1 row", "Table now has 5001 rows in 2 snapshots",
        "As of snapshot", ": 5000 rows", "data files (Parquet)", "metadata versions (JSON)");
    assertThat(out).doesNotContain(S3ProxyServer.SECRET_KEY);
    try (Warehouse wh = Warehouse.fromEnvironment(env)) {
      assertThat(wh.loadTable("sensors").scan().count()).isEqualTo(5001);
    }
  }

  @Test
  void s3ExampleRefusesToRunWithoutS3Settings() throws Exception {
    Process p = childJvm(Map.of(), S3Example.class.getName()).start();
    String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(2, TimeUnit.MINUTES)).isTrue();
    assertThat(p.exitValue()).isEqualTo(2);
    assertThat(err).contains("DATASHARD_STORAGE_TYPE=s3");
  }

  /** Runs a main in a child JVM with exactly {@code env}; returns stdout, failing with stderr on a non-zero exit. */
  private String run(Map<String, String> env, String mainClass, String... args) throws IOException, InterruptedException {
    Path err = Files.createTempFile(dir, "stderr", ".txt");
    Process p = childJvm(env, mainClass, args).redirectError(err.toFile()).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(3, TimeUnit.MINUTES)).isTrue();
    String stderr = Files.readString(err);
    assertThat(p.exitValue()).as("exit of %s; stdout:%n%s%nstderr:%n%s", mainClass, out, stderr).isZero();
    assertThat(stderr).doesNotContain(S3ProxyServer.SECRET_KEY);
    return out;
  }

  private ProcessBuilder childJvm(Map<String, String> env, String mainClass, String... args) {
    List<String> command = new ArrayList<>(List.of(
        Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-Xmx256m", "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC",
        "-cp", System.getProperty("java.class.path"), mainClass));
    command.addAll(List.of(args));
    ProcessBuilder pb = new ProcessBuilder(command).directory(dir.toFile());
    pb.environment().clear();
    pb.environment().putAll(env);
    return pb;
  }
}
