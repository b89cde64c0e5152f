package io.datashard.reliability;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/** A {@link StressWorker} child JVM whose stdout lines are collected as they arrive. */
final class Child implements AutoCloseable {
  /** Marks the end of a child's output in {@link #lines}. */
  static final String EOF = "<EOF>";

  final Process process;
  final BlockingQueue<String> lines = new LinkedBlockingQueue<>();
  final List<String> all = new ArrayList<>();
  private final Thread reader;

  private Child(Process process) {
    this.process = process;
    this.reader = new Thread(() -> {
      try (BufferedReader r = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
        String line;
        while ((line = r.readLine()) != null) {
          lines.add(line);
        }
      } catch (IOException e) {
        // killed
      } finally {
        lines.add(EOF);
      }
    }, "child-reader");
    reader.setDaemon(true);
    reader.start();
  }

  static Child start(Map<String, String> env, Path stderr, String... args) throws IOException {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    List<String> cmd = new ArrayList<>(List.of(java, "-Xmx192m", "-Xss512k", "-XX:TieredStopAtLevel=1",
        "-XX:+UseSerialGC", "-cp", System.getProperty("java.class.path"), StressWorker.class.getName()));
    cmd.addAll(List.of(args));
    ProcessBuilder pb = new ProcessBuilder(cmd).redirectError(stderr.toFile());
    pb.environment().keySet().removeIf(k -> k.startsWith("DATASHARD_"));
    pb.environment().putAll(env);
    return new Child(pb.start());
  }

  /** @return the next line, or {@link #EOF}; null on timeout */
  String next(long timeoutMillis) throws InterruptedException {
    String l = lines.poll(timeoutMillis, TimeUnit.MILLISECONDS);
    if (l != null && !l.equals(EOF)) {
      all.add(l);
    }
    return l;
  }

  /** Reads every remaining line until the child ends. @return all lines seen */
  List<String> drain(long timeoutMillis) throws InterruptedException {
    long deadline = System.currentTimeMillis() + timeoutMillis;
    while (true) {
      String l = next(Math.max(1, deadline - System.currentTimeMillis()));
      if (l == null) {
        throw new IllegalStateException("child did not finish in " + timeoutMillis + " ms; output so far: " + all);
      }
      if (l.equals(EOF)) {
        return all;
      }
    }
  }

  /** SIGKILL on Linux. */
  void kill() throws InterruptedException {
    process.destroyForcibly();
    process.waitFor(30, TimeUnit.SECONDS);
  }

  @Override
  public void close() throws InterruptedException {
    if (process.isAlive()) {
      kill();
    }
    reader.join(5_000);
  }
}
