package io.datashard.cli;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** Runs the command line in-process as a user would, with a given environment, capturing output. */
final class Cli {
  final Map<String, String> env = new HashMap<>();

  Cli(Path warehouse) {
    env.put("DATASHARD_WAREHOUSE", warehouse.toString());
  }

  Cli(Map<String, String> env) {
    this.env.putAll(env);
  }

  record Result(int code, String out, String err) {
    @Override
    public String toString() {
      return "exit " + code + "\n--- stdout\n" + out + "--- stderr\n" + err;
    }
  }

  /** Runs the command and fails the test unless it exits 0. */
  Result ok(String... args) {
    Result r = run(args);
    org.assertj.core.api.Assertions.assertThat(r.code()).as(r.toString()).isZero();
    return r;
  }

  /** @return a file {@code name} in {@code dir} holding {@code content} (an input for {@code append}) */
  static Path file(Path dir, String name, String content) throws java.io.IOException {
    return java.nio.file.Files.writeString(dir.resolve(name), content);
  }

  Result run(String... args) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    try (PrintStream o = new PrintStream(out, true, StandardCharsets.UTF_8);
         PrintStream e = new PrintStream(err, true, StandardCharsets.UTF_8)) {
      int code = DataShardCli.run(args, env, o, e, false);
      return new Result(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }
  }

  /** Runs in a child JVM (the real main: System.exit, real stdout/stderr). */
  static Result fork(Map<String, String> env, Path workDir, String... args) throws Exception {
    Process p = start(env, workDir, args);
    if (!p.waitFor(120, java.util.concurrent.TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new AssertionError("datashard did not finish: " + String.join(" ", args));
    }
    return new Result(p.exitValue(), java.nio.file.Files.readString(workDir.resolve("fork.out")),
        java.nio.file.Files.readString(workDir.resolve("fork.err")));
  }

  /** Starts a child JVM running the real main; stdout and stderr go to {@code fork.out}/{@code fork.err}. */
  static Process start(Map<String, String> env, Path workDir, String... args) throws Exception {
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    cmd.add("-Xmx256m");
    cmd.add("-cp");
    List<String> cp = new ArrayList<>();
    for (String entry : System.getProperty("java.class.path").split(java.io.File.pathSeparator)) {
      if (!entry.contains("logback")) { // the test class path has S3Proxy's logback beside the CLI's binding
        cp.add(entry);
      }
    }
    cmd.add(String.join(java.io.File.pathSeparator, cp));
    cmd.add(DataShardCli.class.getName());
    cmd.addAll(List.of(args));
    ProcessBuilder pb = new ProcessBuilder(cmd).directory(workDir.toFile());
    pb.environment().keySet().removeIf(k -> k.startsWith("DATASHARD_"));
    pb.environment().putAll(env);
    Path out = workDir.resolve("fork.out");
    Path err = workDir.resolve("fork.err");
    pb.redirectOutput(out.toFile()).redirectError(err.toFile());
    return pb.start();
  }
}
