package io.datashard.interop;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * {@code datashard serve} started as its own process on 127.0.0.1 and a free port, as users run it: the server's
 * Iceberg version (1.11) and the engines' (Iceberg 1.12, Spark's shaded runtime) never share a JVM. Needs the
 * server module packaged ({@code mvn verify} does that before this module's tests). Closing stops it with SIGTERM
 * (a graceful stop), then forcibly.
 */
public final class ServeProcess implements AutoCloseable {
  private final Process process;
  private final URI uri;
  private final Path log;

  private ServeProcess(Process process, URI uri, Path log) {
    this.process = process;
    this.uri = uri;
    this.log = log;
  }

  /**
   * @param logDir where the server's output goes ({@code server.log})
   * @param env variables added to the server's environment (for example {@code DATASHARD_S3_*})
   * @param args arguments after {@code --bind} and {@code --port}, for example {@code --warehouse W}
   * @return the running server, answering {@code /healthz}
   */
  public static ServeProcess start(Path logDir, Map<String, String> env, String... args) throws Exception {
    Path jar = Path.of(System.getProperty("user.dir")).resolve("../datashard-server/target/datashard-server.jar")
        .normalize();
    if (!Files.exists(jar)) {
      throw new IllegalStateException(jar + " is missing: run mvn verify (it packages datashard-server first)");
    }
    int port;
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      port = s.getLocalPort();
    }
    Path log = logDir.resolve("server-" + port + ".log");
    List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-Xmx512m", "-jar", jar.toString(), "--bind", "127.0.0.1", "--port", Integer.toString(port)));
    command.addAll(List.of(args));
    ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
    builder.environment().putAll(env);
    Process p = builder.start();
    URI uri = URI.create("http://127.0.0.1:" + port);
    HttpClient http = HttpClient.newHttpClient();
    long deadline = System.currentTimeMillis() + 60_000;
    while (true) {
      try {
        if (http.send(HttpRequest.newBuilder(uri.resolve("/healthz")).build(),
            HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
          return new ServeProcess(p, uri, log);
        }
      } catch (IOException e) {
        // not listening yet
      }
      if (!p.isAlive() || System.currentTimeMillis() > deadline) {
        p.destroyForcibly();
        throw new IllegalStateException("datashard serve did not start: " + Files.readString(log));
      }
      Thread.sleep(200);
    }
  }

  /** @return {@code http://127.0.0.1:PORT} */
  public URI uri() {
    return uri;
  }

  /** @return what the server printed so far */
  public String output() throws IOException {
    return Files.readString(log);
  }

  @Override
  public void close() throws InterruptedException {
    process.destroy();
    if (!process.waitFor(30, TimeUnit.SECONDS)) {
      process.destroyForcibly();
    }
  }
}
