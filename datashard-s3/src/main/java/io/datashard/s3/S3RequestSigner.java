package io.datashard.s3;

import io.datashard.DataShardException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import software.amazon.awssdk.auth.credentials.AwsCredentials;
import software.amazon.awssdk.auth.credentials.AwsSessionCredentials;

/**
 * Signs S3 requests that someone else sends (AWS Signature Version 4, header form), with the warehouse's
 * credentials: the signing half of Apache Iceberg's S3 remote-signing protocol, used by the REST catalog server so
 * that engines read and write data files without holding S3 credentials. The payload is never signed
 * ({@code UNSIGNED-PAYLOAD}, or the client's own {@code x-amz-content-sha256} when it sent one), as the protocol
 * requires: the signer never sees bodies.
 *
 * <p>It also maps a request URI to the object it addresses ({@link #target(URI)}), for path-style and
 * virtual-hosted-style URIs, so that the caller can decide whether the request is allowed before signing it.
 */
public final class S3RequestSigner {
  /** Headers that may change between signing and sending (retries, ranges) and are therefore not signed. */
  private static final Set<String> UNSIGNED = Set.of("range", "x-amz-date", "amz-sdk-invocation-id",
      "amz-sdk-retry", "amz-sdk-request", "user-agent", "authorization", "expect", "transfer-encoding",
      "connection");
  private static final DateTimeFormatter AMZ_DATE = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'")
      .withZone(ZoneOffset.UTC);

  private final S3Config config;
  private final Clock clock;

  /** @param config the warehouse's S3 settings (credentials, endpoint, path style) */
  public S3RequestSigner(S3Config config) {
    this(config, Clock.systemUTC());
  }

  S3RequestSigner(S3Config config, Clock clock) {
    this.config = config;
    this.clock = clock;
  }

  /**
   * What a request addresses.
   *
   * @param bucket the bucket
   * @param key the object key, empty for a request on the bucket (listing, multi-object delete)
   */
  public record Target(String bucket, String key) {
    /** @return {@code s3://bucket/key} */
    public String location() {
      return "s3://" + bucket + "/" + key;
    }
  }

  /**
   * @param uri an S3 request URI as the SDK builds it
   * @return the bucket and key, or null when the URI is not on the warehouse's endpoint
   */
  public Target target(URI uri) {
    String host = uri.getHost() == null ? "" : uri.getHost().toLowerCase(Locale.ROOT);
    String path = uri.getPath() == null ? "" : uri.getPath();
    if (path.startsWith("/")) {
      path = path.substring(1);
    }
    URI endpoint = config.endpoint();
    boolean pathStyle;
    String bucket;
    if (endpoint != null) {
      String eh = endpoint.getHost().toLowerCase(Locale.ROOT);
      if (host.equals(eh) && port(uri) == port(endpoint)) {
        pathStyle = true;
        bucket = null;
      } else if (host.endsWith("." + eh) && port(uri) == port(endpoint)) {
        pathStyle = false;
        bucket = host.substring(0, host.length() - eh.length() - 1);
      } else {
        return null;
      }
    } else if (host.startsWith("s3.") || host.startsWith("s3-") || host.equals("s3.amazonaws.com")) {
      pathStyle = true;
      bucket = null;
    } else {
      int i = host.indexOf(".s3.");
      int j = host.indexOf(".s3-");
      int at = i >= 0 ? i : j;
      if (at <= 0 || !host.endsWith(".amazonaws.com")) {
        return null;
      }
      pathStyle = false;
      bucket = host.substring(0, at);
    }
    if (pathStyle) {
      int slash = path.indexOf('/');
      bucket = slash < 0 ? path : path.substring(0, slash);
      path = slash < 0 ? "" : path.substring(slash + 1);
    }
    if (bucket == null || bucket.isEmpty()) {
      return null;
    }
    return new Target(bucket, path);
  }

  private static int port(URI u) {
    return u.getPort() >= 0 ? u.getPort() : "https".equalsIgnoreCase(u.getScheme()) ? 443 : 80;
  }

  /**
   * Signs a request.
   *
   * @param method the HTTP method
   * @param uri the request URI, encoded as it will be sent
   * @param headers the request's headers (names in any case)
   * @param region the signing region the client uses
   * @return the headers to send: the client's, plus {@code Authorization}, {@code x-amz-date},
   *     {@code x-amz-content-sha256} and, with session credentials, {@code x-amz-security-token}
   */
  public Map<String, List<String>> sign(String method, URI uri, Map<String, List<String>> headers, String region) {
    AwsCredentials creds = S3Clients.credentials(config).resolveCredentials();
    String amzDate = AMZ_DATE.format(clock.instant());
    String day = amzDate.substring(0, 8);
    Map<String, List<String>> out = new LinkedHashMap<>();
    TreeMap<String, String> signed = new TreeMap<>();
    String payload = "UNSIGNED-PAYLOAD";
    for (Map.Entry<String, List<String>> h : headers.entrySet()) {
      String name = h.getKey().toLowerCase(Locale.ROOT);
      if (name.equals("authorization") || name.equals("x-amz-date") || name.equals("x-amz-security-token")) {
        continue;
      }
      out.put(h.getKey(), h.getValue());
      if (name.equals("x-amz-content-sha256") && !h.getValue().isEmpty()) {
        payload = h.getValue().get(0);
      }
      if (!UNSIGNED.contains(name) && !name.equals("host")) {
        List<String> vs = new ArrayList<>();
        for (String v : h.getValue()) {
          vs.add(v.trim().replaceAll(" +", " "));
        }
        signed.put(name, String.join(",", vs));
      }
    }
    String host = uri.getHost() + (uri.getPort() >= 0 && uri.getPort() != (uri.getScheme().equals("https") ? 443 : 80)
        ? ":" + uri.getPort() : "");
    signed.put("host", host);
    signed.put("x-amz-date", amzDate);
    signed.put("x-amz-content-sha256", payload);
    if (creds instanceof AwsSessionCredentials s) {
      signed.put("x-amz-security-token", s.sessionToken());
      out.put("x-amz-security-token", List.of(s.sessionToken()));
    }
    StringBuilder canonicalHeaders = new StringBuilder();
    for (Map.Entry<String, String> e : signed.entrySet()) {
      canonicalHeaders.append(e.getKey()).append(':').append(e.getValue()).append('\n');
    }
    String signedNames = String.join(";", signed.keySet());
    String canonical = method.toUpperCase(Locale.ROOT) + "\n" + canonicalPath(uri) + "\n" + canonicalQuery(uri)
        + "\n" + canonicalHeaders + "\n" + signedNames + "\n" + payload;
    String scope = day + "/" + region + "/s3/aws4_request";
    String toSign = "AWS4-HMAC-SHA256\n" + amzDate + "\n" + scope + "\n" + hex(sha256(canonical));
    byte[] key = hmac(("AWS4" + creds.secretAccessKey()).getBytes(StandardCharsets.UTF_8), day);
    key = hmac(key, region);
    key = hmac(key, "s3");
    key = hmac(key, "aws4_request");
    String signature = hex(hmac(key, toSign));
    out.put("x-amz-date", List.of(amzDate));
    out.put("x-amz-content-sha256", List.of(payload));
    out.put("Authorization", List.of("AWS4-HMAC-SHA256 Credential=" + creds.accessKeyId() + "/" + scope
        + ", SignedHeaders=" + signedNames + ", Signature=" + signature));
    return out;
  }

  private static String canonicalPath(URI uri) {
    String p = uri.getRawPath();
    return p == null || p.isEmpty() ? "/" : p;
  }

  private static String canonicalQuery(URI uri) {
    String q = uri.getRawQuery();
    if (q == null || q.isEmpty()) {
      return "";
    }
    List<String[]> params = new ArrayList<>();
    for (String part : q.split("&")) {
      if (part.isEmpty()) {
        continue;
      }
      int eq = part.indexOf('=');
      params.add(eq < 0 ? new String[] {part, ""} : new String[] {part.substring(0, eq), part.substring(eq + 1)});
    }
    params.sort((a, b) -> a[0].equals(b[0]) ? a[1].compareTo(b[1]) : a[0].compareTo(b[0]));
    StringBuilder sb = new StringBuilder();
    for (String[] p : params) {
      if (sb.length() > 0) {
        sb.append('&');
      }
      sb.append(p[0]).append('=').append(p[1]);
    }
    return sb.toString();
  }

  private static byte[] sha256(String s) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8));
    } catch (GeneralSecurityException e) {
      throw new DataShardException("SHA-256 is not available in this JVM", e);
    }
  }

  private static byte[] hmac(byte[] key, String data) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(key, "HmacSHA256"));
      return mac.doFinal(data.getBytes(StandardCharsets.UTF_8));
    } catch (GeneralSecurityException e) {
      throw new DataShardException("HmacSHA256 is not available in this JVM", e);
    }
  }

  private static String hex(byte[] b) {
    return HexFormat.of().formatHex(b);
  }

  /** @return the settings, without secrets */
  @Override
  public String toString() {
    return "S3RequestSigner{" + config.endpoint() + "}";
  }
}
