package io.datashard.testing;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A JVM started by a test on the test's own class path, with a small heap and an environment holding exactly the
 * given variables (so that a child is configured the way a user's program would be, by {@code DATASHARD_*}
 * variables alone).
 */
public final class ChildJvm {
  private ChildJvm() {
  }

  /**
   * @param env the child's whole environment
   * @param mainClass the class to run
   * @param args its arguments
   * @return a process builder; the caller redirects and starts it
   */
  public static ProcessBuilder builder(Map<String, String> env, String mainClass, String... args) {
    List<String> command = new ArrayList<>(List.of(
        Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-Xmx256m", "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC",
        "-cp", System.getProperty("java.class.path"), mainClass));
    command.addAll(List.of(args));
    ProcessBuilder pb = new ProcessBuilder(command);
    pb.environment().clear();
    pb.environment().putAll(env);
    return pb;
  }

  /**
   * Reads a writer's {@code ACK <worker> <seq> <snapshot-id>} lines until it ends.
   *
   * @param acked receives {@code worker * 1,000,000 + seq} for each acknowledged append
   * @param snapshots receives the snapshot ids, or null
   */
  public static void readAcks(Process p, java.util.Collection<Long> acked, java.util.Collection<Long> snapshots)
      throws IOException {
    try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
      String line;
      while ((line = r.readLine()) != null) {
        String[] parts = line.split(" ");
        if (parts[0].equals("ACK")) {
          acked.add(Long.parseLong(parts[1]) * 1_000_000L + Long.parseLong(parts[2]));
          if (snapshots != null) {
            snapshots.add(Long.parseLong(parts[3]));
          }
        }
      }
    }
  }
}
