package io.datashard.examples;

import static org.assertj.core.api.Assertions.assertThat;

import io.datashard.Table;
import io.datashard.Warehouse;
import io.datashard.server.DataShardServer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The README's Quickstart runs unchanged through a REST catalog: a child JVM whose environment holds only
 * {@code DATASHARD_CATALOG_URI} (a {@code datashard serve} started here on 127.0.0.1) creates the table in the
 * catalog, appends, scans and time-travels; a second run appends to the same table; nothing is written to a local
 * {@code ./warehouse}.
 */
class ExamplesOnRestTest {
  @TempDir
  Path dir;

  @Test
  void quickstartRunsUnchangedThroughARestCatalog() throws Exception {
    Path catalogWarehouse = dir.resolve("catalog-warehouse");
    Path work = Files.createDirectories(dir.resolve("work"));
    try (DataShardServer server = DataShardServer.builder()
        .catalogProperties(Map.of("warehouse", catalogWarehouse.toUri().toString(), "datashard.use-environment", "false"))
        .bind("127.0.0.1").port(0).insecureNoAuth().build().start()) {
      Map<String, String> env = Map.of(Warehouse.ENV_CATALOG_URI, server.uri().toString());
      String first = run(work, env);
      String location = "file:" + catalogWarehouse + "/default/user-events";
      assertThat(first).contains("Table user-events at " + location, "Rows (3):", "user_id=1", "event=login",
          "Time travel to the first snapshot: 2 rows as of then", "+1 row, total 3");
      assertThat(work.resolve("warehouse")).as("nothing written locally").doesNotExist();
      String second = run(work, env);
      assertThat(second).contains("Rows (6):");
      try (Warehouse wh = Warehouse.fromEnvironment(env)) {
        Table t = wh.loadTable("default.user-events");
        assertThat(t.location()).isEqualTo(location);
        assertThat(t.snapshots()).hasSize(4);
        assertThat(t.scan().count()).isEqualTo(6);
      }
    }
  }

  private static String run(Path work, Map<String, String> env) throws Exception {
    List<String> command = new ArrayList<>(List.of(
        Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-Xmx256m", "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC",
        "-cp", System.getProperty("java.class.path"), Quickstart.class.getName()));
    Path err = Files.createTempFile(work.getParent(), "stderr", ".txt");
    ProcessBuilder pb = new ProcessBuilder(command).directory(work.toFile()).redirectError(err.toFile());
    pb.environment().clear();
    pb.environment().putAll(env);
    Process p = pb.start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(3, TimeUnit.MINUTES)).isTrue();
    assertThat(p.exitValue()).as("stdout:%n%s%nstderr:%n%s", out, Files.readString(err)).isZero();
    return out;
  }
}
