package io.datashard.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.apache.iceberg.CatalogProperties;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The server speaks HTTPS from a PKCS12 key store (made here with the JDK's keytool). */
class TlsTest {
  private static final String PASSWORD = "test-keystore-password";

  @TempDir
  Path dir;

  @Test
  void servesHttpsFromAPkcs12KeyStore() throws Exception {
    Path keyStore = dir.resolve("server.p12");
    Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "keytool").toString(),
        "-genkeypair", "-alias", "server", "-keyalg", "RSA", "-keysize", "2048", "-validity", "2",
        "-dname", "CN=localhost", "-ext", "SAN=ip:127.0.0.1,dns:localhost", "-storetype", "PKCS12",
        "-keystore", keyStore.toString(), "-storepass", PASSWORD, "-keypass", PASSWORD)
        .redirectErrorStream(true).start();
    p.getInputStream().transferTo(java.io.OutputStream.nullOutputStream());
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).isZero();

    KeyStore trust = KeyStore.getInstance("PKCS12");
    try (InputStream in = Files.newInputStream(keyStore)) {
      trust.load(in, PASSWORD.toCharArray());
    }
    TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    tmf.init(trust);
    SSLContext ssl = SSLContext.getInstance("TLS");
    ssl.init(null, tmf.getTrustManagers(), null);

    try (DataShardServer server = DataShardServer.builder()
        .catalogProperties(Map.of(CatalogProperties.WAREHOUSE_LOCATION, dir.resolve("wh").toString(),
            "datashard.use-environment", "false"))
        .port(0)
        .credentials(Credentials.builder().add("w", Role.READ_WRITE, "tls-test-secret-0123").build())
        .tls(keyStore, PASSWORD)
        .build().start()) {
      assertThat(server.uri().getScheme()).isEqualTo("https");
      assertThat(server.toString()).doesNotContain(PASSWORD);
      HttpClient client = HttpClient.newBuilder().sslContext(ssl).build();
      HttpResponse<String> r = client.send(HttpRequest.newBuilder(URI.create(server.uri() + "/v1/namespaces"))
          .header("Authorization", "Bearer tls-test-secret-0123").build(), HttpResponse.BodyHandlers.ofString());
      assertThat(r.statusCode()).isEqualTo(200);
      assertThat(r.body()).contains("namespaces");
    }
  }
}
