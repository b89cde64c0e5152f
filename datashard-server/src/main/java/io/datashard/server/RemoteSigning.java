package io.datashard.server;

import io.datashard.s3.S3Config;
import io.datashard.s3.S3RequestSigner;
import io.datashard.s3.S3StorageBackend;
import io.datashard.storage.ForwardingStorageBackend;
import io.datashard.storage.StorageBackend;
import java.net.URI;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.iceberg.catalog.TableIdentifier;
import org.apache.iceberg.exceptions.BadRequestException;
import org.apache.iceberg.exceptions.ForbiddenException;
import org.apache.iceberg.rest.RESTUtil;
import org.apache.iceberg.rest.requests.RemoteSignRequest;
import org.apache.iceberg.rest.responses.ImmutableRemoteSignResponse;
import org.apache.iceberg.rest.responses.RemoteSignResponse;

/**
 * Apache Iceberg's S3 remote-signing protocol ({@code s3.remote-signing-enabled}): engines hold no S3 credentials;
 * their {@code S3FileIO} sends each S3 request's method, URI and headers to this server, which signs it with the
 * warehouse's credentials when the principal may make it, and the engine sends it to S3 itself.
 *
 * <p>Each table's load response names its own signer endpoint ({@code v1/namespaces/{ns}/tables/{table}/sign}),
 * so a request is always judged against one table: it is signed only when it addresses an object inside that
 * table's location (or lists, or deletes a batch of objects, only inside it), and only reads ({@code GET},
 * {@code HEAD}) for a read-only principal. Everything else is refused with 403.
 */
final class RemoteSigning {
  private static final Pattern ICEBERG_CLIENT = Pattern.compile("Apache Iceberg (\\d+)\\.(\\d+)");
  private static final Pattern DELETE_KEY = Pattern.compile("<Key>([^<]*)</Key>");

  private final S3Config config;
  private final S3RequestSigner signer;

  private RemoteSigning(S3Config config) {
    this.config = config;
    this.signer = new S3RequestSigner(config);
  }

  /** @return remote signing over the warehouse's S3 credentials, or null when the warehouse is not on S3 */
  static RemoteSigning forStorage(StorageBackend storage) {
    StorageBackend b = storage;
    while (b instanceof ForwardingStorageBackend f) {
      b = f.delegate();
    }
    return b instanceof S3StorageBackend s3 ? new RemoteSigning(s3.config()) : null;
  }

  /**
   * Whether a REST client finds the per-table sign endpoint by itself: Iceberg 1.12 and later derive it from the
   * table's identifier ({@code v1/{prefix}/namespaces/{ns}/tables/{table}/sign}, the REST specification's
   * {@code signRequest}) and warn that {@code signer.endpoint} is deprecated when a server still sends it; Iceberg
   * 1.11 and earlier need {@code signer.endpoint}. Unknown clients (no or unparsable version) get it.
   *
   * @param clientVersion the {@code X-Client-Version} header, or null
   * @return true for an Iceberg client of version 1.12 or later
   */
  static boolean findsTheSignEndpointItself(String clientVersion) {
    if (clientVersion == null) {
      return false;
    }
    java.util.regex.Matcher m = ICEBERG_CLIENT.matcher(clientVersion);
    if (!m.find()) {
      return false;
    }
    int major = Integer.parseInt(m.group(1));
    int minor = Integer.parseInt(m.group(2));
    return major > 1 || major == 1 && minor >= 12;
  }

  /**
   * @param ident the table
   * @param clientFindsEndpoint whether the client derives the sign endpoint itself ({@link
   *     #findsTheSignEndpointItself}); otherwise the response names it in {@code signer.endpoint}. Either way it
   *     is the same path, which this server serves.
   * @return the properties a table's load response carries so that Iceberg's S3FileIO signs through us
   */
  Map<String, String> tableConfig(TableIdentifier ident, boolean clientFindsEndpoint) {
    Map<String, String> c = new java.util.LinkedHashMap<>();
    c.put("s3.remote-signing-enabled", "true");
    if (!clientFindsEndpoint) {
      c.put("signer.endpoint", "v1/namespaces/" + RESTUtil.encodeNamespace(ident.namespace()) + "/tables/"
          + RESTUtil.encodeString(ident.name()) + "/sign");
    }
    c.put("client.region", config.region());
    if (config.endpoint() != null) {
      c.put("s3.endpoint", config.endpoint().toString());
    }
    c.put("s3.path-style-access", String.valueOf(config.pathStyle()));
    return c;
  }

  /**
   * @param tableLocation the table's location ({@code s3://bucket/prefix/table})
   * @return the signed request
   * @throws ForbiddenException when the request leaves the table or the principal may not make it
   */
  RemoteSignResponse sign(RemoteSignRequest req, String tableLocation, Principal principal, TableIdentifier ident) {
    if (req.provider() != null && !"s3".equalsIgnoreCase(req.provider())) {
      throw new BadRequestException("Unsupported remote-signing provider: %s (only s3)", req.provider());
    }
    String method = req.method().toUpperCase(Locale.ROOT);
    boolean read = method.equals("GET") || method.equals("HEAD");
    if (!read && !principal.role().canWrite()) {
      throw new ForbiddenException("Forbidden: principal %s is read-only and may not sign %s requests",
          principal.name(), method);
    }
    URI uri = req.uri();
    S3RequestSigner.Target target = signer.target(uri);
    if (target == null) {
      throw new ForbiddenException("Forbidden: %s is not on this warehouse's S3 endpoint", uri.getHost());
    }
    String prefix = tableLocation.endsWith("/") ? tableLocation : tableLocation + "/";
    Map<String, String> query = query(uri.getRawQuery());
    if (target.key().isEmpty()) { // a request on the bucket: listing or multi-object delete
      if (read && query.containsKey("prefix")) {
        requireInside(new S3RequestSigner.Target(target.bucket(), query.get("prefix")).location(), prefix, ident);
      } else if (method.equals("POST") && query.containsKey("delete")) {
        String body = req.body() == null ? "" : req.body();
        Matcher m = DELETE_KEY.matcher(body);
        boolean any = false;
        while (m.find()) {
          any = true;
          String key = m.group(1).replace("&amp;", "&").replace("&lt;", "<").replace("&gt;", ">")
              .replace("&quot;", "\"").replace("&apos;", "'");
          requireInside(new S3RequestSigner.Target(target.bucket(), key).location(), prefix, ident);
        }
        if (!any) {
          throw new ForbiddenException("Forbidden: a multi-object delete needs its body (the keys) to be signed");
        }
      } else {
        throw new ForbiddenException("Forbidden: only object requests, listings and deletes inside table %s are "
            + "signed", ident);
      }
    } else {
      requireInside(target.location(), prefix, ident);
    }
    Map<String, List<String>> headers = signer.sign(method, uri, req.headers(), req.region());
    return ImmutableRemoteSignResponse.builder().uri(uri).headers(headers).build();
  }

  /** @return the query parameters, decoded; a parameter without a value maps to "" */
  private static Map<String, String> query(String raw) {
    Map<String, String> out = new java.util.HashMap<>();
    if (raw == null || raw.isEmpty()) {
      return out;
    }
    for (String part : raw.split("&")) {
      if (part.isEmpty()) {
        continue;
      }
      int eq = part.indexOf('=');
      String k = eq < 0 ? part : part.substring(0, eq);
      String v = eq < 0 ? "" : part.substring(eq + 1);
      out.put(java.net.URLDecoder.decode(k, java.nio.charset.StandardCharsets.UTF_8),
          java.net.URLDecoder.decode(v, java.nio.charset.StandardCharsets.UTF_8));
    }
    return out;
  }

  private static void requireInside(String location, String tablePrefix, TableIdentifier ident) {
    String normalized = location.replace("s3a://", "s3://");
    if (!normalized.startsWith(tablePrefix.replace("s3a://", "s3://")) || normalized.contains("/../")
        || normalized.contains("/./")) {
      throw new ForbiddenException("Forbidden: %s is outside the location of table %s", location, ident);
    }
  }
}
