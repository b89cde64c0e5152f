package io.datashard.s3.kms;

import io.datashard.KeyRotation;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.datashard.Field;
import io.datashard.PartitionSpec;
import io.datashard.Row;
import io.datashard.Schema;
import io.datashard.Table;
import io.datashard.Types;
import io.datashard.Warehouse;
import io.datashard.encryption.EncryptionSettings;
import io.datashard.encryption.KeyManagementClient;
import io.datashard.encryption.KeyManagementException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * AWS KMS as the master-key service, against a stub of the KMS JSON API on 127.0.0.1 (no real KMS): data keys are
 * wrapped and unwrapped through signed {@code Encrypt}/{@code Decrypt} calls, an unknown, wrong or replaced key
 * fails naming the table and the key id, rotation moves every file to the new key, and the environment selects it.
 */
class AwsKmsClientTest {
  private static final Schema SCHEMA = Schema.of(Field.required(1, "id", Types.LONG),
      Field.optional(2, "secret", Types.STRING));

  @TempDir
  Path temp;
  private KmsStub stub;
  private final List<KeyManagementClient> clients = new ArrayList<>();

  @BeforeEach
  void start() throws Exception {
    stub = new KmsStub();
    stub.createKey("alias/orders");
    stub.createKey("alias/orders-2027");
  }

  @AfterEach
  void stop() {
    clients.forEach(KeyManagementClient::close);
    stub.close();
  }

  private Map<String, String> env() {
    Map<String, String> env = new HashMap<>();
    env.put("DATASHARD_WAREHOUSE", temp.resolve("wh").toString());
    env.put("DATASHARD_KMS", "aws");
    env.put(AwsKmsClient.ENV_ENDPOINT, stub.endpoint().toString());
    env.put(AwsKmsClient.ENV_REGION, "us-east-1");
    env.put(AwsKmsClient.ENV_ACCESS_KEY, "test-kms-access-key");
    env.put(AwsKmsClient.ENV_SECRET_KEY, "test-kms-secret-key");
    return env;
  }

  private AwsKmsClient client() {
    AwsKmsClient c = AwsKmsClient.fromEnvironment(env());
    clients.add(c);
    return c;
  }

  private static List<Map<String, Object>> rows(int n) {
    List<Map<String, Object>> out = new ArrayList<>();
    for (long i = 0; i < n; i++) {
      out.add(Map.of("id", i, "secret", "s" + i));
    }
    return out;
  }

  @Test
  void wrapsAndUnwrapsThroughSignedKmsCalls() {
    byte[] key = new byte[32];
    key[0] = 7;
    AwsKmsClient kms = client();
    byte[] wrapped = kms.wrapKey(key, "alias/orders");
    assertThat(kms.unwrapKey(wrapped, "alias/orders")).isEqualTo(key);
    assertThat(stub.targets).containsExactly("TrentService.Encrypt", "TrentService.Decrypt");
    assertThat(stub.requestBodies.get(0)).contains("\"EncryptionContext\":{\"datashard\":\"data-key/v1\"}");
  }

  @Test
  void environmentSelectsAwsKmsAndTablesRoundTrip() {
    try (Warehouse wh = Warehouse.fromEnvironment(env())) {
      assertThat(wh.keyManagement()).isInstanceOf(AwsKmsClient.class);
      Table t = wh.createTable("orders", SCHEMA, PartitionSpec.unpartitioned(),
          Map.of(EncryptionSettings.KEY_ID, "alias/orders"));
      t.appendRecords(rows(100));
      t.appendRecords(rows(50));
      assertThat(t.scan().toList()).hasSize(150);
      assertThat(t.scan().toList().stream().map(r -> r.getString("secret"))).contains("s99");

      KeyRotation r = t.rotateMasterKey("alias/orders-2027");
      assertThat(r.rewrappedFiles()).isEqualTo(2);
      assertThat(t.masterKeysInUse()).containsExactly(Map.entry("alias/orders-2027", 2L));
    }
    try (Warehouse wh = Warehouse.fromEnvironment(env())) {
      List<Row> rows = wh.loadTable("orders").scan().toList();
      assertThat(rows).hasSize(150);
    }
    assertThat(stub.targets).contains("TrentService.Encrypt", "TrentService.Decrypt");
  }

  @Test
  void unknownWrongAndReplacedKeysFailNamingTableAndKeyId() {
    try (Warehouse wh = Warehouse.fromEnvironment(env())) {
      Table unknown = wh.createTable("unknown", SCHEMA, PartitionSpec.unpartitioned(),
          Map.of(EncryptionSettings.KEY_ID, "alias/missing"));
      assertThatThrownBy(() -> unknown.appendRecords(rows(1)))
          .isInstanceOf(KeyManagementException.class)
          .hasMessageContaining("unknown").hasMessageContaining("'alias/missing'")
          .hasMessageContaining("does not exist");

      Table t = wh.createTable("replaced", SCHEMA, PartitionSpec.unpartitioned(),
          Map.of(EncryptionSettings.KEY_ID, "alias/orders"));
      t.appendRecords(rows(10));
    }
    stub.createKey("alias/orders");   // same id, new key material: the old wrapped keys no longer open
    try (Warehouse wh = Warehouse.fromEnvironment(env())) {
      Table t = wh.loadTable("replaced");
      assertThatThrownBy(() -> t.scan().toList())
          .isInstanceOf(KeyManagementException.class)
          .hasMessageContaining("replaced").hasMessageContaining("'alias/orders'")
          .hasMessageContaining("not the key that wrapped").hasMessageContaining("InvalidCiphertextException");
    }
  }

  @Test
  void unwrappingWithAnotherKeyIdIsRefusedByKms() {
    AwsKmsClient kms = client();
    byte[] wrapped = kms.wrapKey(new byte[32], "alias/orders");
    assertThatThrownBy(() -> kms.unwrapKey(wrapped, "alias/orders-2027"))
        .isInstanceOf(KeyManagementException.class)
        .hasMessageContaining("'alias/orders-2027'").hasMessageContaining("IncorrectKeyException")
        .satisfies(e -> assertThat(e.getMessage()).doesNotContain(Base64.getEncoder().encodeToString(wrapped)));
  }
}
