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

  /**
   * @return an access token for {@code user} from the server's OAuth2 client-credentials endpoint (the flow Iceberg's
   *     client uses), after checking that it answered 200
   */
  static String accessToken(URI base, String user, String secret) throws IOException, InterruptedException {
    HttpResponse<String> r = send("POST", base, "/v1/oauth/tokens", null, "application/x-www-form-urlencoded",
        "grant_type=client_credentials&client_id=" + user + "&client_secret=" + secret + "&scope=catalog");
    if (r.statusCode() != 200) {
      throw new AssertionError("token request for " + user + " answered " + r.statusCode() + ": " + r.body());
    }
    return new com.fasterxml.jackson.databind.ObjectMapper().readTree(r.body()).get("access_token").asText();
  }

  static HttpResponse<String> postJson(URI base, String rawPath, String bearer, String json)
      throws IOException, InterruptedException {
    return send("POST", base, rawPath, bearer, "application/json", json);
  }
}
