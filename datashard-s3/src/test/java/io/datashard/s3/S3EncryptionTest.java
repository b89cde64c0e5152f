package io.datashard.s3;

import static org.assertj.core.api.Assertions.assertThat;

import io.datashard.Table;
import io.datashard.Warehouse;
import io.datashard.encryption.EncryptionScenarios;
import io.datashard.encryption.EncryptionSettings;
import io.datashard.encryption.KeyMetadata;
import io.datashard.encryption.Pkcs12KeyStore;
import io.datashard.metadata.DataFile;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@link EncryptionScenarios} on S3 (in-process S3Proxy): encrypted data files are streamed through S3A and read
 * back through the range cache exactly as on local disk; plus the environment facade configuring the key store.
 */
class S3EncryptionTest extends EncryptionScenarios {
  private static S3ProxyServer server;
  private String prefix;

  @BeforeAll
  static void startServer() {
    server = S3ProxyServer.start();
  }

  @AfterAll
  static void stopServer() {
    server.close();
  }

  @Override
  protected Warehouse newWarehouse() {
    prefix = "enc-" + UUID.randomUUID();
    return open();
  }

  @Override
  protected Warehouse reopen(Warehouse warehouse) {
    return open();
  }

  private Warehouse open() {
    return Warehouse.of(new S3StorageBackend(server.configBuilder().prefix(prefix).build()));
  }

  @Test
  void environmentVariablesConfigureTheKeyStore() {
    Map<String, String> env = server.environment(server.endpoint(), prefix);
    env.put(Pkcs12KeyStore.ENV_KEYSTORE, keystore.toString());
    env.put(Pkcs12KeyStore.ENV_KEYSTORE_PASSWORD, new String(PASSWORD));
    try (Warehouse wh = Warehouse.fromEnvironment(env)) {
      assertThat(wh.keyManagement()).isInstanceOf(Pkcs12KeyStore.class);
      Table t = createTable(wh, "from-env", Map.of(EncryptionSettings.KEY_ID, "k2"));
      t.appendRecords(rows(0, 25));
      assertThat(t.scan().toList()).hasSize(25);
      DataFile f = liveFiles(t).get(0);
      assertThat(KeyMetadata.parse(f.keyMetadata()).masterKeyId()).isEqualTo("k2");
    }
  }
}
