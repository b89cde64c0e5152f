package io.datashard.s3;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;

/**
 * A tiny HTTP/1.1 forwarding proxy on 127.0.0.1 in front of an S3 server that counts requests by type and can
 * misbehave on purpose: answer 501 to {@code If-None-Match} puts, strip that header (a store that ignores it),
 * or inject faults (5xx before or after forwarding, connection reset before or after the server applied a
 * request, delays, responses cut short), on chosen requests ({@link #inject}) or at random rates
 * ({@link #injectRandomly}).
 *
 * <p>Headers are forwarded byte for byte (Host included) so AWS signatures stay valid; only stripping a
 * signed header needs a server started with {@code authenticate(false)}.
 */
public final class CountingS3Proxy implements AutoCloseable {

  /** How {@code PutObject} with {@code If-None-Match} is treated. */
  public enum ConditionalWrites {
    /** Forwarded unchanged. */
    PASS,
    /** Header removed: a store that silently ignores it (needs a server without authentication). */
    STRIP,
    /** Answered 501 NotImplemented without forwarding. */
    REJECT_501
  }

  /** A fault to inject. */
  public enum Fault {
    /** Answer 500 InternalError without forwarding. */
    STATUS_500_BEFORE,
    /** Answer 409 ConditionalRequestConflict without forwarding. */
    STATUS_409_BEFORE,
    /** Answer 503 SlowDown without forwarding. */
    STATUS_503_BEFORE,
    /** Forward (the server applies it), then answer 500 InternalError. */
    STATUS_500_AFTER,
    /** Forward (the server applies it), then reset the client connection without an answer. */
    RESET_AFTER,
    /** Reset the client connection without forwarding. */
    RESET_BEFORE,
    /** Wait {@link #faultDelayMillis(long)} milliseconds, then forward normally. */
    DELAY_BEFORE,
    /** Forward (the server applies it), then send the response head and only part of the body, and close. */
    TRUNCATE_RESPONSE
  }

  /**
   * A request seen by the proxy.
   *
   * @param method HTTP method
   * @param path path without query
   * @param query query string or empty
   * @param headers headers, names in lower case
   * @param type operation type: PUT, GET, HEAD, DELETE, LIST, COPY, MULTIPART_INIT, MULTIPART_PART,
   *     MULTIPART_COMPLETE, MULTIPART_ABORT, DELETE_MANY, BUCKET or OTHER
   */
  public record Request(String method, String path, String query, Map<String, String> headers, String type) {
    /** @return whether the named header (lower case) was sent */
    public boolean hasHeader(String name) {
      return headers.containsKey(name);
    }
  }

  private record Rule(Predicate<Request> when, Fault fault, AtomicInteger remaining) {
  }

  private record RandomRule(Predicate<Request> when, double rate, List<Fault> faults) {
  }

  private final URI target;
  private final ServerSocket server;
  private final ExecutorService pool = Executors.newCachedThreadPool(r -> {
    Thread t = new Thread(r, "counting-s3-proxy");
    t.setDaemon(true);
    return t;
  });
  private final ConcurrentLinkedQueue<Request> requests = new ConcurrentLinkedQueue<>();
  private final List<Rule> rules = new CopyOnWriteArrayList<>();
  private final List<RandomRule> randomRules = new CopyOnWriteArrayList<>();
  private final Map<Fault, AtomicInteger> injected = new java.util.concurrent.ConcurrentHashMap<>();
  private final java.util.Random random = new java.util.Random();
  private volatile long faultDelayMillis = 200;
  private volatile long latencyMillis;
  private volatile long latencyJitterMillis;
  private volatile boolean recordRequests = true;
  private final List<Socket> sockets = new CopyOnWriteArrayList<>();
  private volatile ConditionalWrites conditionalWrites = ConditionalWrites.PASS;
  private volatile boolean closed;
  /** A connection to the server idle for longer is not reused (the server may have closed it meanwhile). */
  private static final long BACKEND_IDLE_REUSE_NANOS = 5_000_000_000L;

  private CountingS3Proxy(URI target) throws IOException {
    this.target = target;
    this.server = new ServerSocket(0, 128, InetAddress.getLoopbackAddress());
    pool.execute(this::acceptLoop);
  }

  /**
   * @param target the S3 server, {@code http://host:port}
   * @return a started proxy
   */
  public static CountingS3Proxy start(URI target) {
    try {
      return new CountingS3Proxy(target);
    } catch (IOException e) {
      throw new IllegalStateException("cannot start the counting proxy", e);
    }
  }

  /** @return {@code http://127.0.0.1:port} of the proxy */
  public URI endpoint() {
    return URI.create("http://127.0.0.1:" + server.getLocalPort());
  }

  /** @param mode how to treat If-None-Match puts from now on */
  public void conditionalWrites(ConditionalWrites mode) {
    this.conditionalWrites = mode;
  }

  /**
   * Injects a fault into the next {@code times} requests matching {@code when}.
   *
   * @param when which requests
   * @param fault what to do
   * @param times how many times
   */
  public void inject(Predicate<Request> when, Fault fault, int times) {
    rules.add(new Rule(when, fault, new AtomicInteger(times)));
  }

  /**
   * Injects faults at random into requests matching {@code when}: each such request gets, with probability
   * {@code rate}, one of {@code faults} chosen uniformly. Rules added with {@link #inject} take precedence.
   *
   * @param when which requests
   * @param rate probability per request, 0..1
   * @param faults the faults to choose from
   */
  public void injectRandomly(Predicate<Request> when, double rate, Fault... faults) {
    if (faults.length == 0 || rate < 0 || rate > 1) {
      throw new IllegalArgumentException("need faults and a rate in [0, 1]");
    }
    randomRules.add(new RandomRule(when, rate, List.of(faults)));
  }

  /** Seeds the choice of random faults (for reproducible runs). @param seed the seed */
  public void seed(long seed) {
    synchronized (random) {
      random.setSeed(seed);
    }
  }

  /**
   * Latency injection for benchmarks: every request waits {@code millis} plus a uniformly random
   * {@code 0..jitterMillis} before it is forwarded, so that loopback figures resemble a real object store (real S3
   * Standard answers in ~30-60 ms). Default 0: no delay.
   *
   * @param millis fixed delay per request
   * @param jitterMillis upper bound of the random extra delay
   */
  public void latency(long millis, long jitterMillis) {
    this.latencyMillis = millis;
    this.latencyJitterMillis = jitterMillis;
  }

  /** @param record whether requests are kept for {@link #requests()} (off for long benchmarks: memory) */
  public void recordRequests(boolean record) {
    this.recordRequests = record;
  }

  /** @param millis how long {@link Fault#DELAY_BEFORE} waits (default 200) */
  public void faultDelayMillis(long millis) {
    this.faultDelayMillis = millis;
  }

  /** @return how many faults of each kind were injected since the last {@link #reset()} */
  public Map<Fault, Integer> injected() {
    Map<Fault, Integer> out = new TreeMap<>();
    injected.forEach((f, n) -> out.put(f, n.get()));
    return out;
  }

  /** @return every request seen since the last {@link #reset()} */
  public List<Request> requests() {
    return List.copyOf(requests);
  }

  /** @return request counts by type, sorted by type */
  public Map<String, Integer> counts() {
    Map<String, Integer> counts = new TreeMap<>();
    for (Request r : requests) {
      counts.merge(r.type(), 1, Integer::sum);
    }
    return counts;
  }

  /** @return the number of requests seen */
  public int total() {
    return requests.size();
  }

  /** Forgets the requests seen and the pending faults. */
  public void reset() {
    requests.clear();
    rules.clear();
    randomRules.clear();
    injected.clear();
  }

  private Fault randomFault(Request request) {
    for (RandomRule rule : randomRules) {
      if (rule.when().test(request)) {
        synchronized (random) {
          if (random.nextDouble() < rule.rate()) {
            return rule.faults().get(random.nextInt(rule.faults().size()));
          }
        }
      }
    }
    return null;
  }

  private void acceptLoop() {
    while (!closed) {
      try {
        Socket client = server.accept();
        client.setTcpNoDelay(true); // head and body go out in separate writes: no Nagle + delayed-ACK stalls
        sockets.add(client);
        pool.execute(() -> serve(client));
      } catch (IOException e) {
        return;
      }
    }
  }

  private void serve(Socket client) {
    Socket backend = null;
    long backendUsedNanos = 0;
    try (client) {
      InputStream cin = new BufferedInputStream(client.getInputStream());
      OutputStream cout = client.getOutputStream();
      InputStream bin = null;
      OutputStream bout = null;
      while (!closed) {
        List<String> head = readHead(cin);
        if (head == null) {
          return;
        }
        String[] requestLine = head.get(0).split(" ", 3);
        String method = requestLine[0];
        String uri = requestLine[1];
        List<String> headerLines = new ArrayList<>(head.subList(1, head.size()));
        Map<String, String> headers = headerMap(headerLines);
        if ("100-continue".equalsIgnoreCase(headers.get("expect"))) {
          cout.write("HTTP/1.1 100 Continue\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
          cout.flush();
          headerLines.removeIf(l -> l.toLowerCase(Locale.ROOT).startsWith("expect:"));
        }
        byte[] body = readBody(cin, headers, false, 0);
        int q = uri.indexOf('?');
        String path = q < 0 ? uri : uri.substring(0, q);
        String query = q < 0 ? "" : uri.substring(q + 1);
        Request request = new Request(method, path, query, Collections.unmodifiableMap(headers), type(method, path, query, headers));
        if (recordRequests) {
          requests.add(request);
        }
        long delay = latencyMillis;
        if (delay > 0 || latencyJitterMillis > 0) {
          if (latencyJitterMillis > 0) {
            delay += java.util.concurrent.ThreadLocalRandom.current().nextLong(latencyJitterMillis + 1);
          }
          try {
            Thread.sleep(delay);
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return;
          }
        }

        Fault fault = null;
        for (Rule rule : rules) {
          if (rule.when().test(request) && rule.remaining().getAndDecrement() > 0) {
            fault = rule.fault();
            break;
          }
        }
        if (fault == null) {
          fault = randomFault(request);
        }
        if (fault != null) {
          injected.computeIfAbsent(fault, f -> new AtomicInteger()).incrementAndGet();
        }
        if (fault == Fault.DELAY_BEFORE) {
          try {
            Thread.sleep(faultDelayMillis);
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return;
          }
        }
        boolean conditional = "PUT".equals(method) && headers.containsKey("if-none-match");
        if (conditional && conditionalWrites == ConditionalWrites.REJECT_501) {
          writeError(cout, 501, "Not Implemented", "NotImplemented", "If-None-Match is not implemented");
          continue;
        }
        if (conditional && conditionalWrites == ConditionalWrites.STRIP) {
          headerLines.removeIf(l -> l.toLowerCase(Locale.ROOT).startsWith("if-none-match:"));
        }
        if (fault == Fault.STATUS_500_BEFORE) {
          writeError(cout, 500, "Internal Server Error", "InternalError", "injected");
          continue;
        }
        if (fault == Fault.STATUS_409_BEFORE) {
          writeError(cout, 409, "Conflict", "ConditionalRequestConflict", "injected");
          continue;
        }
        if (fault == Fault.STATUS_503_BEFORE) {
          writeError(cout, 503, "Slow Down", "SlowDown", "injected");
          continue;
        }
        if (fault == Fault.RESET_BEFORE) {
          reset(client);
          return;
        }

        if (backend != null && !backend.isClosed()
            && System.nanoTime() - backendUsedNanos > BACKEND_IDLE_REUSE_NANOS) {
          // The server closes idle connections (Jetty, after 30 s), and a closed socket looks open until written to:
          // forwarding on it would cut the client off without an answer, which no real store does to a request it
          // never received. So a connection idle for a while is replaced, as a client's pool would replace it.
          sockets.remove(backend);
          backend.close();
        }
        if (backend == null || backend.isClosed()) {
          backend = new Socket(target.getHost(), target.getPort());
          backend.setTcpNoDelay(true);
          sockets.add(backend);
          bin = new BufferedInputStream(backend.getInputStream());
          bout = backend.getOutputStream();
        }
        StringBuilder out = new StringBuilder(head.get(0)).append("\r\n");
        for (String l : headerLines) {
          out.append(l).append("\r\n");
        }
        out.append("\r\n");
        bout.write(out.toString().getBytes(StandardCharsets.ISO_8859_1));
        bout.write(body);
        bout.flush();
        backendUsedNanos = System.nanoTime();

        List<String> responseHead;
        do {
          responseHead = readHead(bin);
          if (responseHead == null) {
            throw new EOFException("backend closed the connection");
          }
        } while (responseHead.get(0).split(" ")[1].startsWith("1"));
        int status = Integer.parseInt(responseHead.get(0).split(" ")[1]);
        Map<String, String> responseHeaders = headerMap(responseHead.subList(1, responseHead.size()));
        boolean noBody = "HEAD".equals(method) || status == 204 || status == 304;
        byte[] responseBody = noBody ? new byte[0] : readBody(bin, responseHeaders, true, status);
        boolean backendCloses = "close".equalsIgnoreCase(responseHeaders.get("connection"))
            || (!responseHeaders.containsKey("content-length") && !responseHeaders.containsKey("transfer-encoding") && !noBody);
        if (backendCloses) {
          backend.close();
        }
        if (fault == Fault.RESET_AFTER) {
          reset(client);
          return;
        }
        if (fault == Fault.TRUNCATE_RESPONSE) {
          StringBuilder rh = new StringBuilder();
          for (String l : responseHead) {
            rh.append(l).append("\r\n");
          }
          rh.append("\r\n");
          cout.write(rh.toString().getBytes(StandardCharsets.ISO_8859_1));
          cout.write(responseBody, 0, responseBody.length / 2);
          cout.flush();
          reset(client);
          return;
        }
        if (fault == Fault.STATUS_500_AFTER) {
          writeError(cout, 500, "Internal Server Error", "InternalError", "injected after applying");
          continue;
        }
        StringBuilder rh = new StringBuilder();
        for (String l : responseHead) {
          rh.append(l).append("\r\n");
        }
        rh.append("\r\n");
        cout.write(rh.toString().getBytes(StandardCharsets.ISO_8859_1));
        cout.write(responseBody);
        cout.flush();
        if (backendCloses) {
          return;
        }
      }
    } catch (IOException e) {
      // the client or the server went away; drop the connection
    } finally {
      sockets.remove(client);
      if (backend != null) {
        sockets.remove(backend);
        try {
          backend.close();
        } catch (IOException ignored) {
          // nothing to do
        }
      }
    }
  }

  private static void reset(Socket client) throws IOException {
    try {
      client.setSoLinger(true, 0);
    } catch (SocketException ignored) {
      // best effort
    }
    client.close();
  }

  private static void writeError(OutputStream out, int status, String reason, String code, String message)
      throws IOException {
    byte[] body = ("<?xml version=\"1.0\" encoding=\"UTF-8\"?><Error><Code>" + code + "</Code><Message>" + message
        + "</Message><RequestId>counting-proxy</RequestId></Error>").getBytes(StandardCharsets.UTF_8);
    String head = "HTTP/1.1 " + status + " " + reason + "\r\nContent-Type: application/xml\r\nContent-Length: "
        + body.length + "\r\n\r\n";
    out.write(head.getBytes(StandardCharsets.US_ASCII));
    out.write(body);
    out.flush();
  }

  static String type(String method, String path, String query, Map<String, String> headers) {
    String p = path.startsWith("/") ? path.substring(1) : path;
    boolean bucketLevel = !p.contains("/") || p.indexOf('/') == p.length() - 1;
    switch (method) {
      case "GET":
        return bucketLevel ? (query.contains("list-type") || query.isEmpty() || query.contains("prefix") ? "LIST" : "BUCKET") : "GET";
      case "HEAD":
        return bucketLevel ? "BUCKET" : "HEAD";
      case "PUT":
        if (bucketLevel) {
          return "BUCKET";
        }
        if (headers.containsKey("x-amz-copy-source")) {
          return "COPY";
        }
        return query.contains("uploadId") ? "MULTIPART_PART" : "PUT";
      case "POST":
        if (query.contains("uploads")) {
          return "MULTIPART_INIT";
        }
        if (query.contains("uploadId")) {
          return "MULTIPART_COMPLETE";
        }
        return query.contains("delete") ? "DELETE_MANY" : "OTHER";
      case "DELETE":
        if (bucketLevel) {
          return "BUCKET";
        }
        return query.contains("uploadId") ? "MULTIPART_ABORT" : "DELETE";
      default:
        return "OTHER";
    }
  }

  private static Map<String, String> headerMap(List<String> lines) {
    Map<String, String> map = new TreeMap<>();
    for (String l : lines) {
      int c = l.indexOf(':');
      if (c > 0) {
        map.put(l.substring(0, c).trim().toLowerCase(Locale.ROOT), l.substring(c + 1).trim());
      }
    }
    return map;
  }

  /** @return the request or status line and header lines, or null at a clean end of stream */
  private static List<String> readHead(InputStream in) throws IOException {
    List<String> lines = new ArrayList<>();
    while (true) {
      String line = readLine(in);
      if (line == null) {
        if (lines.isEmpty()) {
          return null;
        }
        throw new EOFException("truncated HTTP head");
      }
      if (line.isEmpty()) {
        if (lines.isEmpty()) {
          continue;
        }
        return lines;
      }
      lines.add(line);
    }
  }

  private static String readLine(InputStream in) throws IOException {
    ByteArrayOutputStream buf = new ByteArrayOutputStream();
    int c;
    while ((c = in.read()) >= 0) {
      if (c == '\n') {
        byte[] b = buf.toByteArray();
        int len = b.length > 0 && b[b.length - 1] == '\r' ? b.length - 1 : b.length;
        return new String(b, 0, len, StandardCharsets.ISO_8859_1);
      }
      buf.write(c);
    }
    return buf.size() == 0 ? null : buf.toString(StandardCharsets.ISO_8859_1);
  }

  /** Reads a message body as raw bytes (chunked bodies stay chunk-encoded, since they are forwarded as is). */
  private static byte[] readBody(InputStream in, Map<String, String> headers, boolean response, int status)
      throws IOException {
    String te = headers.get("transfer-encoding");
    if (te != null && te.toLowerCase(Locale.ROOT).contains("chunked")) {
      ByteArrayOutputStream raw = new ByteArrayOutputStream();
      while (true) {
        String sizeLine = readLine(in);
        if (sizeLine == null) {
          throw new EOFException("truncated chunked body");
        }
        raw.write((sizeLine + "\r\n").getBytes(StandardCharsets.ISO_8859_1));
        int semi = sizeLine.indexOf(';');
        int size = Integer.parseInt((semi < 0 ? sizeLine : sizeLine.substring(0, semi)).trim(), 16);
        if (size == 0) {
          String trailer;
          while ((trailer = readLine(in)) != null && !trailer.isEmpty()) {
            raw.write((trailer + "\r\n").getBytes(StandardCharsets.ISO_8859_1));
          }
          raw.write("\r\n".getBytes(StandardCharsets.ISO_8859_1));
          return raw.toByteArray();
        }
        raw.write(in.readNBytes(size));
        readLine(in);
        raw.write("\r\n".getBytes(StandardCharsets.ISO_8859_1));
      }
    }
    String cl = headers.get("content-length");
    if (cl != null) {
      long n = Long.parseLong(cl.trim());
      byte[] b = in.readNBytes((int) n);
      if (b.length != n) {
        throw new EOFException("truncated body");
      }
      return b;
    }
    return response ? in.readAllBytes() : new byte[0];
  }

  @Override
  public void close() {
    closed = true;
    try {
      server.close();
    } catch (IOException ignored) {
      // closing anyway
    }
    for (Socket s : sockets) {
      try {
        s.close();
      } catch (IOException ignored) {
        // closing anyway
      }
    }
    pool.shutdownNow();
  }
}
