package io.datashard.interop;

import io.datashard.s3.S3ProxyServer;
import java.io.BufferedReader;
import java.io.File;
import java.io.InputStreamReader;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * S3Proxy in its own JVM, for the Spark tests: Spark 4.1 needs Servlet 5 on its class path and S3Proxy's Jetty 12
 * needs Servlet 6, so they cannot share a JVM. The child runs {@link #main} on this JVM's class path with the
 * Servlet API jar swapped to 6.0.0, prints its endpoint and bucket, and stops when this side closes its stdin.
 */
public final class S3ProxyProcess implements AutoCloseable {
  private final Process process;
  private final URI endpoint;
  private final String bucket;

  private S3ProxyProcess(Process process, URI endpoint, String bucket) {
    this.process = process;
    this.endpoint = endpoint;
    this.bucket = bucket;
  }

  /** Child side: start S3Proxy on 127.0.0.1 and a free port, print {@code ENDPOINT <uri> <bucket>}, serve. */
  public static void main(String[] args) throws Exception {
    try (S3ProxyServer s3 = S3ProxyServer.builder().maxThreads(64).start()) {
      System.out.println("ENDPOINT " + s3.endpoint() + " " + s3.bucket());
      System.out.flush();
      while (System.in.read() >= 0) {
        // serve until the parent closes stdin (or dies)
      }
    }
  }

  public static S3ProxyProcess start() throws Exception {
    List<String> classPath = new ArrayList<>();
    for (String entry : System.getProperty("java.class.path").split(File.pathSeparator)) {
      classPath.add(entry.contains("jakarta.servlet-api") ? entry.replace("5.0.0", "6.0.0") : entry);
    }
    List<String> command = List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx512m",
        "-cp", String.join(File.pathSeparator, classPath), S3ProxyProcess.class.getName());
    Process p = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.DISCARD).start();
    BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
    String line;
    while ((line = out.readLine()) != null) {
      if (line.startsWith("ENDPOINT ")) {
        String[] parts = line.split(" ");
        return new S3ProxyProcess(p, URI.create(parts[1]), parts[2]);
      }
    }
    p.destroyForcibly();
    throw new IllegalStateException("S3Proxy did not start in its own JVM (exit " + p.waitFor() + ")");
  }

  public URI endpoint() {
    return endpoint;
  }

  public String bucket() {
    return bucket;
  }
  /**
   * @return the {@code DATASHARD_S3_*} variables of this server's bucket (endpoint, region, keys, path-style
   *     addressing, bucket; no prefix and no storage type), a mutable copy
   */
  public java.util.Map<String, String> environment() {
    java.util.Map<String, String> env = new java.util.HashMap<>();
    env.put("DATASHARD_S3_ENDPOINT", endpoint().toString());
    env.put("DATASHARD_S3_REGION", S3ProxyServer.REGION);
    env.put("DATASHARD_S3_ACCESS_KEY", S3ProxyServer.ACCESS_KEY);
    env.put("DATASHARD_S3_SECRET_KEY", S3ProxyServer.SECRET_KEY);
    env.put("DATASHARD_S3_PATH_STYLE", "true");
    env.put("DATASHARD_S3_BUCKET", bucket());
    return env;
  }


  @Override
  public void close() throws Exception {
    process.getOutputStream().close();
    if (!process.waitFor(30, TimeUnit.SECONDS)) {
      process.destroyForcibly();
    }
  }
}
