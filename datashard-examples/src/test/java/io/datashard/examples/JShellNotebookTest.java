package io.datashard.examples;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.datashard.Warehouse;
import io.datashard.server.DataShardServer;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The README's JShell setup: {@code jshell} from this JDK with the module's class path, the DEFAULT startup plus
 * {@code jshell/startup.jsh}, fed {@code jshell/notebook.jsh} non-interactively, as {@code bin/jshell} does; once on
 * its own temporary warehouse and once, unchanged, through a REST catalog ({@code DATASHARD_CATALOG_URI}).
 */
class JShellNotebookTest {
  @TempDir
  Path dir;

  @Test
  void notebookRunsAndPrintsReadableTables() throws Exception {
    String text = runNotebook(Map.of());
    assertReadableTables(text);
    // The notebook's temporary warehouse is gone afterwards (it used to stay in /tmp, one per run).
    try (var left = Files.list(dir.resolve("tmp"))) {
      assertThat(left.map(f -> f.getFileName().toString())).noneMatch(n -> n.startsWith("datashard-notebook"));
    }
  }

  @Test
  void notebookRunsUnchangedThroughARestCatalog() throws Exception {
    Path catalogWarehouse = dir.resolve("catalog-warehouse");
    try (DataShardServer server = DataShardServer.builder()
        .catalogProperties(Map.of("warehouse", catalogWarehouse.toUri().toString(), "datashard.use-environment", "false"))
        .bind("127.0.0.1").port(0).insecureNoAuth().build().start()) {
      Map<String, String> env = Map.of(Warehouse.ENV_CATALOG_URI, server.uri().toString());
      assertReadableTables(runNotebook(env));
      assertReadableTables(runNotebook(env)); // it drops its table at the end, so it runs again
      try (Warehouse wh = Warehouse.fromEnvironment(env)) {
        assertThat(wh.listTables()).doesNotContain("default.user-events");
      }
      assertThat(server.metrics().commits()).as("the notebook's commits went through the server").isPositive();
    }
    try (var left = Files.list(dir.resolve("tmp"))) {
      assertThat(left.map(f -> f.getFileName().toString())).as("no local warehouse")
          .noneMatch(n -> n.startsWith("datashard-notebook"));
    }
  }

  private String runNotebook(Map<String, String> env) throws Exception {
    Path jshell = Path.of(System.getProperty("java.home"), "bin", "jshell");
    assumeTrue(Files.isExecutable(jshell), "this Java has no jshell: " + jshell);
    List<String> cp = new ArrayList<>();
    for (String e : System.getProperty("java.class.path").split(File.pathSeparator)) {
      if (!e.contains("logback")) { // S3Proxy's test-scope binding; the examples use slf4j-simple
        cp.add(e);
      }
    }
    Path module = Path.of("").toAbsolutePath();
    List<String> cmd = List.of(jshell.toString(), "--class-path", String.join(File.pathSeparator, cp),
        "-R-Dorg.slf4j.simpleLogger.defaultLogLevel=warn", "-R-Dorg.slf4j.simpleLogger.log.org.apache.hadoop=error",
        "-J-Djava.util.prefs.userRoot=" + dir, "-R-Djava.util.prefs.userRoot=" + dir,
        "-R-Djava.io.tmpdir=" + Files.createDirectories(dir.resolve("tmp")),
        "--startup", "DEFAULT", "--startup", module.resolve("jshell/startup.jsh").toString(),
        module.resolve("jshell/notebook.jsh").toString());
    Path out = Files.createTempFile(dir, "out", ".txt");
    ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(out.toFile())
        .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
    pb.environment().remove(Warehouse.ENV_CATALOG_URI);
    pb.environment().putAll(env);
    Process p = pb.start();
    assertThat(p.waitFor(180, TimeUnit.SECONDS)).as("jshell finished").isTrue();
    String text = Files.readString(out);
    assertThat(p.exitValue()).as(text).isZero();
    return text;
  }

  private static void assertReadableTables(String text) {
    assertThat(text).as(text).doesNotContain("Error:", "Exception", "cannot find symbol")
        .contains("DataShard ready")
        .contains(String.join("\n",
            "== all rows",
            "user_id | event  | amount | ts",
            "long    | string | double | timestamptz",
            "--------+--------+--------+---------------------",
            "      1 | login  |   null | 2024-05-01T10:00:00Z",
            "      2 | buy    |  19.99 | 2024-05-01T10:05:00Z",
            "      1 | buy    |   5.25 | 2024-05-02T09:00:00Z",
            "      3 | login  |   null | 2024-05-02T09:30:00Z",
            "(4 rows)"))
        .contains(String.join("\n",
            "== purchases (filter + select)",
            "user_id | amount",
            "long    | double",
            "--------+-------",
            "      2 |  19.99",
            "      1 |   5.25",
            "(2 rows)"))
        .contains("== time travel: the table as of the first snapshot", "(2 rows)\n== 2 snapshots, 4 rows now")
        .containsPattern("buy\\s+\\|\\s+25\\.24");
  }
}
