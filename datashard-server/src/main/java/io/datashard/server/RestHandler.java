package io.datashard.server;

import com.fasterxml.jackson.annotation.JsonAutoDetect;
import com.fasterxml.jackson.annotation.PropertyAccessor;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonFactoryBuilder;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import io.datashard.iceberg.DataShardCatalog;
import io.datashard.storage.CommitOutcomeUnknownException;
import io.datashard.storage.StorageBackend;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.iceberg.BaseTable;
import org.apache.iceberg.MetadataUpdate;
import org.apache.iceberg.catalog.Namespace;
import org.apache.iceberg.catalog.TableIdentifier;
import org.apache.iceberg.exceptions.AlreadyExistsException;
import org.apache.iceberg.exceptions.BadRequestException;
import org.apache.iceberg.exceptions.CommitFailedException;
import org.apache.iceberg.exceptions.CommitStateUnknownException;
import org.apache.iceberg.exceptions.ForbiddenException;
import org.apache.iceberg.exceptions.NamespaceNotEmptyException;
import org.apache.iceberg.exceptions.NoSuchNamespaceException;
import org.apache.iceberg.exceptions.NoSuchTableException;
import org.apache.iceberg.exceptions.NotAuthorizedException;
import org.apache.iceberg.exceptions.NotFoundException;
import org.apache.iceberg.exceptions.ServiceUnavailableException;
import org.apache.iceberg.exceptions.ValidationException;
import org.apache.iceberg.rest.CatalogHandlers;
import org.apache.iceberg.rest.Endpoint;
import org.apache.iceberg.rest.RESTCatalogProperties;
import org.apache.iceberg.rest.RESTSerializers;
import org.apache.iceberg.rest.RESTUtil;
import org.apache.iceberg.rest.requests.CreateNamespaceRequest;
import org.apache.iceberg.rest.requests.CreateTableRequest;
import org.apache.iceberg.rest.requests.RegisterTableRequest;
import org.apache.iceberg.rest.requests.UpdateNamespacePropertiesRequest;
import org.apache.iceberg.rest.requests.UpdateTableRequest;
import org.apache.iceberg.rest.responses.ConfigResponse;
import org.apache.iceberg.rest.responses.ErrorResponse;
import org.apache.iceberg.rest.responses.ErrorResponseParser;
import org.apache.iceberg.rest.responses.LoadTableResponse;
import org.apache.iceberg.rest.responses.OAuthTokenResponse;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.Fields;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Iceberg REST catalog protocol over a {@link DataShardCatalog}, on Jetty's core handler API. Routing, name
 * checks, authentication and authorization, the error mapping and the access log are here; the protocol's semantics
 * (requirements, updates, server-side commit retry) are Apache Iceberg's own {@link CatalogHandlers}, run against
 * the catalog, whose table operations publish every change by the exclusive create of the next version file.
 *
 * <p>The handler keeps no state between requests: each request loads what it needs from the warehouse, so any
 * number of servers can serve one warehouse.
 */
final class RestHandler extends Handler.Abstract {
  private static final Logger LOG = LoggerFactory.getLogger(RestHandler.class);
  private static final Logger ACCESS = LoggerFactory.getLogger("io.datashard.server.access");
  private static final String JSON = "application/json";

  /** Exactly the endpoints this handler serves; {@code GET /v1/config} advertises this list. */
  static final List<Endpoint> ENDPOINTS = List.of(
      Endpoint.V1_LIST_NAMESPACES, Endpoint.V1_LOAD_NAMESPACE, Endpoint.V1_NAMESPACE_EXISTS,
      Endpoint.V1_CREATE_NAMESPACE, Endpoint.V1_UPDATE_NAMESPACE, Endpoint.V1_DELETE_NAMESPACE,
      Endpoint.V1_LIST_TABLES, Endpoint.V1_LOAD_TABLE, Endpoint.V1_TABLE_EXISTS, Endpoint.V1_CREATE_TABLE,
      Endpoint.V1_UPDATE_TABLE, Endpoint.V1_DELETE_TABLE, Endpoint.V1_REGISTER_TABLE, Endpoint.V1_REPORT_METRICS);

  /** With remote signing on, the per-table sign endpoint of the REST specification as well. */
  static final List<Endpoint> ENDPOINTS_WITH_SIGNING = java.util.stream.Stream.concat(ENDPOINTS.stream(),
      java.util.stream.Stream.of(Endpoint.V1_TABLE_REMOTE_SIGN)).toList();

  /** The header Iceberg's REST client names its version in, for example {@code Apache Iceberg 1.12.0 (commit ..)}. */
  static final String CLIENT_VERSION_HEADER = "X-Client-Version";

  private final DataShardCatalog catalog;
  private final Authenticator auth;
  private final ServerMetrics metrics;
  private final long maxRequestBytes;
  private final ObjectMapper mapper;
  /** Iceberg's S3 remote signing, or null when off (see {@link RemoteSigning}). */
  private final RemoteSigning signing;
  /** The group commit of table commits, or null when each request commits on its own. */
  private final CommitCoalescer coalescer;

  /**
   * @param signing Iceberg's S3 remote signing, or null when off
   * @param coalesceCommits whether table commits go through the group commit ({@link CommitCoalescer})
   */
  RestHandler(DataShardCatalog catalog, Authenticator auth, ServerMetrics metrics, long maxRequestBytes,
              RemoteSigning signing, boolean coalesceCommits) {
    this.coalescer = coalesceCommits ? new CommitCoalescer(catalog, metrics) : null;
    this.signing = signing;
    this.catalog = catalog;
    this.auth = auth;
    this.metrics = metrics;
    this.maxRequestBytes = maxRequestBytes;
    // Configured as Iceberg's own (package-private) RESTObjectMapper: field access, kebab-case names, unknown
    // properties ignored, Iceberg's serializers for the request and response model.
    this.mapper = new ObjectMapper(new JsonFactoryBuilder()
        .configure(JsonFactory.Feature.INTERN_FIELD_NAMES, false)
        .configure(JsonFactory.Feature.FAIL_ON_SYMBOL_HASH_OVERFLOW, false)
        .build());
    mapper.setPropertyNamingStrategy(new PropertyNamingStrategies.KebabCaseStrategy());
    mapper.setVisibility(PropertyAccessor.FIELD, JsonAutoDetect.Visibility.ANY);
    mapper.configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);
    RESTSerializers.registerAll(mapper);
  }

  @Override
  protected void doStop() throws Exception {
    if (coalescer != null) {
      coalescer.close();
    }
    super.doStop();
  }

  /** A response decided by a route: status, content type and body (null: none). */
  private record Reply(int status, String contentType, byte[] body, String cacheControl) {
    Reply(int status, String contentType, byte[] body) {
      this(status, contentType, body, null);
    }

    static Reply noContent() {
      return new Reply(204, null, null);
    }
  }

  /** An error with a fixed status and type, for what Iceberg has no exception for. */
  private static final class HttpError extends RuntimeException {
    final int status;
    final String type;

    HttpError(int status, String type, String message) {
      super(message);
      this.status = status;
      this.type = type;
    }
  }

  @Override
  public boolean handle(Request request, Response response, Callback callback) {
    long start = System.nanoTime();
    String method = request.getMethod();
    String path = request.getHttpURI().getPath();
    String[] principal = {"-"};
    Reply reply;
    try {
      reply = route(request, method, path, principal);
    } catch (Exception e) {
      reply = error(e, method, path);
    }
    metrics.response(reply.status());
    response.setStatus(reply.status());
    if (reply.status() == 401) {
      response.getHeaders().put(HttpHeader.WWW_AUTHENTICATE, "Bearer realm=\"datashard\"");
    }
    if (reply.cacheControl() != null) {
      response.getHeaders().put(HttpHeader.CACHE_CONTROL, reply.cacheControl());
    }
    if (reply.body() != null && !"HEAD".equals(method)) {
      response.getHeaders().put(HttpHeader.CONTENT_TYPE, reply.contentType());
      response.write(true, ByteBuffer.wrap(reply.body()), callback);
    } else {
      response.write(true, null, callback);
    }
    ACCESS.info("method={} path={} status={} ms={} principal={}", method, path, reply.status(),
        (System.nanoTime() - start) / 1_000_000, principal[0]);
    return true;
  }

  // ------------------------------------------------------------------ routing

  private Reply route(Request request, String method, String path, String[] principalName) throws IOException {
    if (path.equals("/healthz")) {
      requireMethod(method, "GET");
      return new Reply(200, "text/plain; charset=utf-8", "ok\n".getBytes(StandardCharsets.UTF_8));
    }
    if (path.equals("/v1/oauth/tokens")) {
      requireMethod(method, "POST");
      return tokens(request, principalName);
    }
    Principal principal;
    try {
      principal = auth.authenticate(request.getHeaders().get(HttpHeader.AUTHORIZATION));
    } catch (NotAuthorizedException e) {
      metrics.authFailures.incrementAndGet();
      throw e;
    }
    principalName[0] = principal.name();
    if (path.equals("/metrics")) {
      requireMethod(method, "GET");
      return new Reply(200, "text/plain; version=0.0.4; charset=utf-8",
          metrics.text().getBytes(StandardCharsets.UTF_8));
    }
    if (!path.startsWith("/v1/")) {
      throw new HttpError(404, "NotFoundException", "No such endpoint: " + method + " " + path);
    }
    String[] raw = path.substring(4).split("/", -1);
    String[] seg = new String[raw.length];
    for (int i = 0; i < raw.length; i++) {
      seg[i] = Names.decodeSegment(raw[i]);
    }
    Fields query = Request.extractQueryParameters(request);

    if (seg.length == 1 && seg[0].equals("config")) {
      requireMethod(method, "GET");
      return json(200, ConfigResponse.builder().withEndpoints(signing == null ? ENDPOINTS : ENDPOINTS_WITH_SIGNING)
          .build());
    }
    if (!seg[0].equals("namespaces")) {
      throw new HttpError(404, "NotFoundException", "No such endpoint: " + method + " " + path
          + " (catalog prefixes are not supported)");
    }
    if (seg.length == 1) { // /v1/namespaces
      if (method.equals("GET")) {
        Namespace parent = Names.parent(query.getValue("parent"));
        String pageToken = query.getValue("pageToken");
        String pageSize = query.getValue("pageSize");
        return json(200, pageSize == null
            ? CatalogHandlers.listNamespaces(catalog, parent)
            : CatalogHandlers.listNamespaces(catalog, parent, pageToken, pageSize));
      }
      requireMethod(method, "POST");
      requireWrite(principal);
      CreateNamespaceRequest req = body(request, CreateNamespaceRequest.class);
      Names.check(req.namespace());
      return json(200, CatalogHandlers.createNamespace(catalog, req));
    }
    Namespace ns = Names.namespace(seg[1]);
    if (seg.length == 2) { // /v1/namespaces/{ns}
      switch (method) {
        case "GET":
          return json(200, CatalogHandlers.loadNamespace(catalog, ns));
        case "HEAD":
          CatalogHandlers.namespaceExists(catalog, ns);
          return Reply.noContent();
        case "DELETE":
          requireWrite(principal);
          CatalogHandlers.dropNamespace(catalog, ns);
          return Reply.noContent();
        default:
          throw notAllowed(method);
      }
    }
    if (seg.length == 3 && seg[2].equals("properties")) {
      requireMethod(method, "POST");
      requireWrite(principal);
      return json(200, CatalogHandlers.updateNamespaceProperties(catalog, ns,
          body(request, UpdateNamespacePropertiesRequest.class)));
    }
    if (seg.length == 3 && seg[2].equals("register")) {
      requireMethod(method, "POST");
      requireWrite(principal);
      RegisterTableRequest req = body(request, RegisterTableRequest.class);
      Names.table(ns, req.name());
      return json(200, withSigning(request, TableIdentifier.of(ns, req.name()), CatalogHandlers.registerTable(catalog, ns, req)));
    }
    if (seg.length == 3 && seg[2].equals("tables")) {
      if (method.equals("GET")) {
        String pageToken = query.getValue("pageToken");
        String pageSize = query.getValue("pageSize");
        return json(200, pageSize == null
            ? CatalogHandlers.listTables(catalog, ns)
            : CatalogHandlers.listTables(catalog, ns, pageToken, pageSize));
      }
      requireMethod(method, "POST");
      requireWrite(principal);
      CreateTableRequest req = keepLocation(ns, body(request, CreateTableRequest.class));
      Names.table(ns, req.name());
      if (!catalog.namespaceExists(ns)) {
        throw new NoSuchNamespaceException("Namespace does not exist: %s", ns);
      }
      return json(200, withSigning(request, TableIdentifier.of(ns, req.name()), req.stageCreate()
          ? CatalogHandlers.stageTableCreate(catalog, ns, req)
          : CatalogHandlers.createTable(catalog, ns, req)));
    }
    if (seg.length >= 4 && seg.length <= 5 && seg[2].equals("tables")) {
      TableIdentifier ident = Names.table(ns, seg[3]);
      if (seg.length == 5 && seg[4].equals("sign") && signing != null) {
        requireMethod(method, "POST");
        org.apache.iceberg.rest.requests.RemoteSignRequest req = org.apache.iceberg.rest.requests
            .RemoteSignRequestParser.fromJson(new String(readBody(request), StandardCharsets.UTF_8));
        String location = catalog.loadTable(ident).location();
        org.apache.iceberg.rest.responses.RemoteSignResponse signed = signing.sign(req, location, principal, ident);
        // Reads may be cached by the client (Iceberg's signer keeps them 30 s); writes never are.
        boolean read = req.method().equalsIgnoreCase("GET") || req.method().equalsIgnoreCase("HEAD");
        return new Reply(200, JSON, org.apache.iceberg.rest.responses.RemoteSignResponseParser.toJson(signed)
            .getBytes(StandardCharsets.UTF_8), read ? "private" : "no-cache");
      }
      if (seg.length == 5) {
        if (!seg[4].equals("metrics")) {
          throw new HttpError(404, "NotFoundException", "No such endpoint: " + method + " " + path);
        }
        requireMethod(method, "POST");
        byte[] report = readBody(request);
        LOG.debug("metrics report for {} ({} bytes)", ident, report.length);
        return Reply.noContent();
      }
      switch (method) {
        case "GET":
          return new Reply(200, JSON, load(request, ident, snapshotMode(query.getValue("snapshots"))).toJson(mapper));
        case "HEAD":
          CatalogHandlers.tableExists(catalog, ident);
          return Reply.noContent();
        case "POST":
          requireWrite(principal);
          return new Reply(200, JSON,
              commit(ident, keepLocation(ident, body(request, UpdateTableRequest.class))).toJson(mapper));
        case "DELETE":
          requireWrite(principal);
          if (Boolean.parseBoolean(query.getValue("purgeRequested"))) {
            CatalogHandlers.purgeTable(catalog, ident);
          } else {
            CatalogHandlers.dropTable(catalog, ident);
          }
          return Reply.noContent();
        default:
          throw notAllowed(method);
      }
    }
    throw new HttpError(404, "NotFoundException", "No such endpoint: " + method + " " + path);
  }

  /**
   * A load-table answer: with every snapshot and no remote signing, the current version's file as the catalog read
   * or wrote it ({@link TableAnswer}); otherwise Iceberg's handler's response, with the signing properties added.
   */
  private TableAnswer load(Request request, TableIdentifier ident, RESTCatalogProperties.SnapshotMode mode) {
    if (signing == null && mode == RESTCatalogProperties.SnapshotMode.ALL) {
      org.apache.iceberg.Table table = catalog.loadTable(ident);
      if (table instanceof BaseTable b) {
        return TableAnswer.of(table, b.operations().current());
      }
    }
    return new TableAnswer(withSigning(request, ident, CatalogHandlers.loadTable(catalog, ident, mode)), null);
  }

  /**
   * @return the response with the table's remote-signing properties when remote signing is on, in the form the
   *     calling client understands (see {@link RemoteSigning#tableConfig})
   */
  private LoadTableResponse withSigning(Request request, TableIdentifier ident, LoadTableResponse r) {
    if (signing == null) {
      return r;
    }
    boolean defaultEndpoint = RemoteSigning.findsTheSignEndpointItself(
        request.getHeaders().get(CLIENT_VERSION_HEADER));
    return LoadTableResponse.builder().withTableMetadata(r.tableMetadata()).addAllConfig(r.config())
        .addAllConfig(signing.tableConfig(ident, defaultEndpoint)).addAllCredentials(r.credentials()).build();
  }

  /**
   * A table commit: the request's requirements are validated against the latest metadata, its updates applied and
   * the result committed through the catalog's table operations (exclusive create of the next version); when
   * another writer published that version first the server refreshes and re-applies while the requirements still
   * hold (bounded retries), and answers 409 when they do not. With group commit on (the default), the commits to
   * one table that arrive together are published as one version ({@link CommitCoalescer}); without it, each
   * request goes through Iceberg's own {@link CatalogHandlers}.
   */
  private TableAnswer commit(TableIdentifier ident, UpdateTableRequest req) {
    try {
      TableAnswer r;
      if (coalescer != null) {
        r = coalescer.commit(ident, req);
      } else {
        // Checked before Iceberg's handler applies it (which it does to the latest metadata of the moment: a tag set
        // in between is not seen); the group commit checks against exactly the metadata it applies to.
        if (req.updates().stream().anyMatch(u -> u instanceof MetadataUpdate.RemoveSnapshots)) {
          CommitCoalescer.refuseUnsafeRemovals(((BaseTable) catalog.loadTable(ident)).operations().current(),
              req.updates());
        }
        r = new TableAnswer(CatalogHandlers.updateTable(catalog, ident, req), null);
      }
      metrics.commits.incrementAndGet();
      return r;
    } catch (CommitFailedException e) {
      metrics.commitConflicts.incrementAndGet();
      throw e;
    } catch (CommitStateUnknownException | CommitOutcomeUnknownException e) {
      metrics.commitUnknown.incrementAndGet();
      throw e;
    }
  }

  /** The {@code snapshots} query parameter of load-table: {@code all} (default) or {@code refs}. */
  private static RESTCatalogProperties.SnapshotMode snapshotMode(String value) {
    if (value == null || value.isEmpty() || value.equalsIgnoreCase("all")) {
      return RESTCatalogProperties.SnapshotMode.ALL;
    }
    if (value.equalsIgnoreCase("refs")) {
      return RESTCatalogProperties.SnapshotMode.REFS;
    }
    throw new BadRequestException("Invalid snapshots mode: %s (all or refs)", value);
  }

  /** The folder a table's name maps to (the catalog keeps every table there). */
  private String folder(TableIdentifier ident) {
    StorageBackend storage = catalog.storage();
    String loc = storage.root();
    for (String level : ident.namespace().levels()) {
      loc = storage.resolve(loc, level);
    }
    return storage.resolve(loc, ident.name());
  }

  /** A create request's location is ignored (with a warning), as {@link DataShardCatalog} does. */
  private CreateTableRequest keepLocation(Namespace ns, CreateTableRequest req) {
    if (req.location() == null) {
      return req;
    }
    LOG.warn("ignoring requested location {}: table {} is kept at its folder", req.location(),
        TableIdentifier.of(ns, req.name()));
    CreateTableRequest.Builder b = CreateTableRequest.builder()
        .withName(req.name())
        .withSchema(req.schema())
        .withPartitionSpec(req.spec())
        .withWriteOrder(req.writeOrder())
        .setProperties(req.properties());
    if (req.stageCreate()) {
      b.stageCreate();
    }
    return b.build();
  }

  /**
   * In the commit of a create or replace transaction (it adds a schema), a requested location becomes the table's
   * folder, as {@link DataShardCatalog}'s table builder does. A commit that only moves the table's location is left
   * alone: the table operations refuse it (400).
   */
  private UpdateTableRequest keepLocation(TableIdentifier ident, UpdateTableRequest req) {
    boolean createOrReplace = req.updates().stream().anyMatch(MetadataUpdate.AddSchema.class::isInstance);
    if (!createOrReplace) {
      return req;
    }
    String folder = folder(ident);
    List<MetadataUpdate> updates = new ArrayList<>(req.updates().size());
    for (MetadataUpdate u : req.updates()) {
      if (u instanceof MetadataUpdate.SetLocation loc && !sameLocation(loc.location(), folder)) {
        LOG.warn("ignoring requested location {}: table {} is kept at {}", loc.location(), ident, folder);
        updates.add(new MetadataUpdate.SetLocation(folder));
      } else {
        updates.add(u);
      }
    }
    return new UpdateTableRequest(req.requirements(), updates);
  }

  private static boolean sameLocation(String a, String b) {
    return a.equals(b) || a.equals(b + "/");
  }

  private Reply tokens(Request request, String[] principalName) throws IOException {
    Map<String, String> form;
    try {
      form = RESTUtil.decodeFormData(new String(readBody(request), StandardCharsets.UTF_8));
    } catch (RuntimeException e) {
      return oauthError(400, "invalid_request", "Malformed form body");
    }
    if (!auth.enabled()) {
      return oauthError(400, "invalid_request", "Authentication is switched off on this server; no token is needed");
    }
    String grant = form.get("grant_type");
    Principal principal;
    if ("client_credentials".equals(grant)) {
      String clientId = form.get("client_id");
      String clientSecret = form.get("client_secret");
      String basic = request.getHeaders().get(HttpHeader.AUTHORIZATION);
      if ((clientId == null || clientSecret == null) && basic != null
          && basic.regionMatches(true, 0, "Basic ", 0, 6)) {
        String decoded;
        try {
          decoded = new String(java.util.Base64.getDecoder().decode(basic.substring(6).strip()),
              StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
          return oauthError(400, "invalid_request", "Malformed basic credentials");
        }
        int colon = decoded.indexOf(':');
        if (colon > 0) {
          clientId = decoded.substring(0, colon);
          clientSecret = decoded.substring(colon + 1);
        }
      }
      String token = auth.clientCredentials(clientId, clientSecret).orElse(null);
      if (token == null) {
        metrics.authFailures.incrementAndGet();
        return oauthError(401, "invalid_client", "Unknown client or wrong secret");
      }
      principalName[0] = clientId;
      return json(200, tokenResponse(token));
    } else if ("urn:ietf:params:oauth:grant-type:token-exchange".equals(grant)) {
      // Refresh: a still-valid token (ours, or a configured secret) is exchanged for a new one.
      principal = auth.byToken(form.get("subject_token")).orElse(null);
      if (principal == null) {
        metrics.authFailures.incrementAndGet();
        return oauthError(401, "invalid_client", "The subject token is not valid or has expired");
      }
      principalName[0] = principal.name();
      return json(200, tokenResponse(auth.issue(principal)));
    }
    return oauthError(400, "unsupported_grant_type", "Supported grants: client_credentials, token-exchange");
  }

  private OAuthTokenResponse tokenResponse(String token) {
    return OAuthTokenResponse.builder()
        .withToken(token)
        .withTokenType("bearer")
        .withIssuedTokenType("urn:ietf:params:oauth:token-type:access_token")
        .setExpirationInSeconds((int) Math.min(Integer.MAX_VALUE, auth.tokenTtlSeconds()))
        .build();
  }

  private Reply oauthError(int status, String error, String description) throws JsonProcessingException {
    Map<String, String> body = new LinkedHashMap<>();
    body.put("error", error);
    body.put("error_description", description);
    return new Reply(status, JSON, mapper.writeValueAsBytes(body));
  }

  // ------------------------------------------------------------------ helpers

  private static void requireMethod(String method, String expected) {
    if (!method.equals(expected)) {
      throw notAllowed(method);
    }
  }

  private static HttpError notAllowed(String method) {
    return new HttpError(405, "MethodNotAllowedException", "Method not allowed here: " + method);
  }

  private static void requireWrite(Principal principal) {
    if (!principal.role().canWrite()) {
      throw new ForbiddenException("Forbidden: principal %s is read-only", principal.name());
    }
  }

  private Reply json(int status, Object value) throws JsonProcessingException {
    return new Reply(status, JSON, mapper.writeValueAsBytes(value));
  }

  private byte[] readBody(Request request) throws IOException {
    long declared = request.getLength();
    if (declared > maxRequestBytes) {
      throw tooLarge();
    }
    try (InputStream in = Request.asInputStream(request)) {
      byte[] body = in.readNBytes((int) Math.min(Integer.MAX_VALUE - 8, maxRequestBytes + 1));
      if (body.length > maxRequestBytes) {
        throw tooLarge();
      }
      return body;
    }
  }

  private HttpError tooLarge() {
    return new HttpError(413, "RequestTooLargeException", "The request body is larger than " + maxRequestBytes
        + " bytes");
  }

  private <T> T body(Request request, Class<T> type) throws IOException {
    byte[] bytes = readBody(request);
    T value;
    try {
      value = mapper.readValue(bytes, type);
    } catch (JsonProcessingException e) {
      throw new BadRequestException("Malformed request body: %s", e.getOriginalMessage());
    }
    if (value == null) {
      throw new BadRequestException("Missing request body");
    }
    if (value instanceof org.apache.iceberg.rest.RESTRequest r) {
      r.validate();
    }
    return value;
  }

  // ------------------------------------------------------------------ errors

  private Reply error(Throwable e, String method, String path) {
    int status;
    String type = e.getClass().getSimpleName();
    String message = e.getMessage();
    if (e instanceof HttpError h) {
      status = h.status;
      type = h.type;
    } else if (e instanceof NotAuthorizedException) {
      status = 401;
    } else if (e instanceof ForbiddenException) {
      status = 403;
    } else if (e instanceof NoSuchNamespaceException || e instanceof NoSuchTableException
        || e instanceof NotFoundException) {
      status = 404;
    } else if (e instanceof AlreadyExistsException || e instanceof CommitFailedException
        || e instanceof NamespaceNotEmptyException) {
      status = 409;
    } else if (e instanceof CommitStateUnknownException || e instanceof CommitOutcomeUnknownException) {
      // The spec's "commit state unknown": 500, which Iceberg's client turns into CommitStateUnknownException.
      status = 500;
      type = CommitStateUnknownException.class.getSimpleName();
      LOG.warn("{} {}: commit outcome unknown", method, path, e);
    } else if (e instanceof ServiceUnavailableException) {
      status = 503;
    } else if (e instanceof UnsupportedOperationException) {
      status = 406;
    } else if (e instanceof BadRequestException || e instanceof IllegalArgumentException
        || e instanceof ValidationException || e instanceof io.datashard.ValidationException) {
      status = 400;
    } else {
      String id = UUID.randomUUID().toString();
      LOG.error("{} {} failed (error id {})", method, path, id, e);
      status = 500;
      type = "InternalServerError";
      message = "Internal server error (error id " + id + "; see the server log)";
    }
    if (status < 500) {
      LOG.debug("{} {}: {} {}", method, path, status, message);
    }
    ErrorResponse err = ErrorResponse.builder().responseCode(status).withType(type)
        .withMessage(message == null ? type : message).build();
    return new Reply(status, JSON, ErrorResponseParser.toJson(err).getBytes(StandardCharsets.UTF_8));
  }

  @Override
  public String toString() {
    return "RestHandler{" + catalog + ", " + auth + "}";
  }
}
