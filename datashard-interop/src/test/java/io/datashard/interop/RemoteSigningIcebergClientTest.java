package io.datashard.interop;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.datashard.s3.S3Config;
import io.datashard.s3.S3ProxyServer;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.apache.iceberg.CatalogProperties;
import org.apache.iceberg.IcebergBuild;
import org.apache.iceberg.PartitionSpec;
import org.apache.iceberg.Table;
import org.apache.iceberg.catalog.Namespace;
import org.apache.iceberg.catalog.TableIdentifier;
import org.apache.iceberg.exceptions.ForbiddenException;
import org.apache.iceberg.rest.RESTCatalog;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Iceberg's S3 remote signing with the client version engines ship now (Iceberg 1.12, whose {@code S3FileIO} derives
 * the per-table sign endpoint of the REST specification itself and calls {@code signer.endpoint} deprecated) against
 * {@code datashard serve --remote-signing} running in its own process on its own Iceberg version: the client holds no
 * S3 credentials, writes, commits and reads back through the signer, and the server does not send the deprecated
 * property to it. Iceberg 1.11 clients, which need that property, are tested in the server module
 * ({@code RemoteSigningTest}).
 */
class RemoteSigningIcebergClientTest {
  @TempDir
  Path dir;

  @Test
  void anIceberg112ClientWithoutS3CredentialsWritesAndReadsThroughTheSigner() throws Exception {
    assertThat(IcebergBuild.version()).startsWith("1.12");
    try (S3ProxyServer s3 = S3ProxyServer.start()) {
      String prefix = "signing-" + UUID.randomUUID();
      Map<String, String> env = new HashMap<>();
      env.put(S3Config.ENV_ENDPOINT, s3.endpoint().toString());
      env.put(S3Config.ENV_REGION, S3ProxyServer.REGION);
      env.put(S3Config.ENV_ACCESS_KEY, S3ProxyServer.ACCESS_KEY);
      env.put(S3Config.ENV_SECRET_KEY, S3ProxyServer.SECRET_KEY);
      env.put(S3Config.ENV_PATH_STYLE, "true");
      String warehouse = "s3://" + s3.bucket() + "/" + prefix;
      try (ServeProcess server = ServeProcess.start(dir, env, "--warehouse", warehouse, "--insecure-no-auth",
          "--remote-signing")) {
        String config = HttpClient.newHttpClient().send(HttpRequest.newBuilder(server.uri().resolve("/v1/config"))
            .build(), HttpResponse.BodyHandlers.ofString()).body();
        assertThat(config).as("advertised endpoints")
            .contains("POST /v1/{prefix}/namespaces/{namespace}/tables/{table}/sign");

        Map<String, String> p = new HashMap<>();
        p.put(CatalogProperties.URI, server.uri().toString());
        p.put(CatalogProperties.FILE_IO_IMPL, "org.apache.iceberg.aws.s3.S3FileIO");
        try (RESTCatalog catalog = new RESTCatalog()) {
          catalog.initialize("engine", p);
          TableIdentifier id = TableIdentifier.of(Namespace.of("signed"), "events");
          catalog.createNamespace(id.namespace());
          Table created = catalog.createTable(id, IcebergEvents.SCHEMA, PartitionSpec.unpartitioned());
          created.newAppend().appendFile(IcebergEvents.write(created, 1, 2)).commit();
          created.newAppend().appendFile(IcebergEvents.write(created, 3)).commit();

          Table loaded = catalog.loadTable(id);
          Map<String, String> io = loaded.io().properties();
          assertThat(io).as("what the FileIO was configured with")
              .containsEntry("s3.remote-signing-enabled", "true")
              .doesNotContainKey("signer.endpoint")
              .doesNotContainKey("s3.secret-access-key")
              .containsEntry("rest.remote-signing.endpoint", "v1/namespaces/signed/tables/events/sign");
          assertThat(IcebergEvents.ids(loaded)).isEqualTo(Set.of(1L, 2L, 3L));
          assertThat(loaded.currentSnapshot().allManifests(loaded.io()).get(0).path()).startsWith(warehouse);

          String outside = warehouse + "/other/secret.parquet";
          assertThatThrownBy(() -> loaded.io().newInputFile(outside).getLength())
              .isInstanceOf(ForbiddenException.class).hasMessageContaining("outside the location of table");
        }
        assertThat(server.output()).doesNotContain(S3ProxyServer.SECRET_KEY);
      }
    }
  }
}
