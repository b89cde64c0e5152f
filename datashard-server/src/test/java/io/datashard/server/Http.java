package io.datashard.server;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/** Raw HTTP requests against a test server (for what Iceberg's client would never send). */
final class Http {
  private static final HttpClient CLIENT = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

  private Http() {
  }

  static HttpResponse<String> send(String method, URI base, String rawPath, String bearer, String contentType,
      String body) throws IOException, InterruptedException {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + rawPath))
        .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
    if (bearer != null) {
      b.header("Authorization", "Bearer " + bearer);
    }
    if (contentType != null) {
      b.header("Content-Type", contentType);
    }
    return CLIENT.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  static HttpResponse<String> get(URI base, String rawPath, String bearer) throws IOException, InterruptedException {
    return send("GET", base, rawPath, bearer, null, null);
  }

  static HttpResponse<String> postJson(URI base, String rawPath, String bearer, String json)
      throws IOException, InterruptedException {
    return send("POST", base, rawPath, bearer, "application/json", json);
  }
}
