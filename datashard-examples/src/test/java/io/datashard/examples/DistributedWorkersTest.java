package io.datashard.examples;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The distributed workers demo, run as a user runs it: its own JVM, worker JVMs under it, figures printed. */
class DistributedWorkersTest {
  @TempDir
  Path dir;

  @Test
  void threeWorkerProcessesLoseNothing() throws Exception {
    List<String> cp = new ArrayList<>();
    for (String e : System.getProperty("java.class.path").split(File.pathSeparator)) {
      if (!e.contains("logback")) {
        cp.add(e);
      }
    }
    ProcessBuilder pb = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-Xmx256m", "-cp", String.join(File.pathSeparator, cp), DistributedWorkers.class.getName(),
        "3", "300", "50", "demo").directory(dir.toFile()).redirectErrorStream(true)
        .redirectOutput(dir.resolve("out.txt").toFile());
    pb.environment().keySet().removeIf(k -> k.startsWith("DATASHARD_"));
    Process p = pb.start();
    assertThat(p.waitFor(300, TimeUnit.SECONDS)).isTrue();
    String out = Files.readString(dir.resolve("out.txt"));
    assertThat(p.exitValue()).as(out).isZero();
    assertThat(out).contains("Starting 3 worker processes, each appending 300 rows in commits of 50 rows",
        "Rows expected:      900", "Rows found:         900 (missing 0, duplicated 0)",
        "Commits:            18 snapshots (expected 18)", "OK: every row of every worker arrived exactly once");
    assertThat(dir.resolve("warehouse/demo/metadata/v19.metadata.json")).exists();
  }
}
