package io.datashard.encryption;

import io.datashard.KeyRotation;
import io.datashard.update.TableInternals;
import static io.datashard.expressions.Expressions.equal;
import static io.datashard.expressions.Expressions.greaterThanOrEqual;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.datashard.Field;
import io.datashard.PartitionSpec;
import io.datashard.Row;
import io.datashard.Schema;
import io.datashard.Snapshot;
import io.datashard.Table;
import io.datashard.Types;
import io.datashard.ValidationException;
import io.datashard.Warehouse;
import io.datashard.metadata.DataFile;
import io.datashard.metadata.ManifestEntry;
import io.datashard.metadata.ManifestFile;
import io.datashard.storage.StorageBackend;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.HashMap;
import io.datashard.storage.FileInfo;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What a user of an encrypted table relies on, on any storage backend: rows round-trip, nothing of an encrypted
 * column reaches the files or the manifests in plaintext, reading without the key or with a wrong key fails naming
 * the table and the key id, a tampered file fails authentication and never yields an altered row, rotation
 * re-wraps keys without touching data files, and no key material appears in an error or a log line. Subclasses
 * provide the storage (local disk, S3Proxy).
 */
public abstract class EncryptionScenarios {
  protected static final Schema SCHEMA = Schema.of(
      Field.required(1, "id", Types.LONG),
      Field.optional(2, "name", Types.STRING),
      Field.optional(3, "ssn", Types.STRING),
      Field.optional(4, "amount", Types.DOUBLE));
  protected static final char[] PASSWORD = "test-keystore-password".toCharArray();

  @TempDir
  protected Path temp;
  protected Path keystore;
  protected Pkcs12KeyStore keys;
  private Warehouse plain;

  /** @return a fresh, empty warehouse (without key management) on the backend under test */
  protected abstract Warehouse newWarehouse();

  /** @return the same warehouse location opened again, as another process would (no shared caches) */
  protected abstract Warehouse reopen(Warehouse warehouse);

  @BeforeEach
  void keysAndWarehouse() {
    keystore = temp.resolve("keys.p12");
    Pkcs12KeyStore.generateKey(keystore, PASSWORD, "k1");
    Pkcs12KeyStore.generateKey(keystore, PASSWORD, "k2");
    keys = Pkcs12KeyStore.open(keystore, PASSWORD);
    plain = newWarehouse();
  }

  @AfterEach
  void closeWarehouse() {
    plain.close();
  }

  protected Warehouse encrypted() {
    return plain.withKeyManagement(keys);
  }

  protected static String ssn(long i) {
    return String.format("SSN-%03d-%02d-%04d", i % 1000, i % 100, i);
  }

  protected static List<Map<String, Object>> rows(long from, int n) {
    List<Map<String, Object>> out = new ArrayList<>();
    for (long i = from; i < from + n; i++) {
      Map<String, Object> r = new HashMap<>();
      r.put("id", i);
      r.put("name", "name-" + i);
      r.put("ssn", ssn(i));
      r.put("amount", i * 1.5);
      out.add(r);
    }
    return out;
  }

  protected Table createTable(Warehouse wh, String name, Map<String, String> props) {
    return wh.createTable(name, SCHEMA, PartitionSpec.unpartitioned(), props);
  }

  protected static List<DataFile> liveFiles(Table table) {
    TableInternals t = TableInternals.of(table);
    List<DataFile> out = new ArrayList<>();
    Snapshot s = t.operations().refresh().currentSnapshot();
    for (ManifestFile m : t.files().manifests(s.manifestListLocation())) {
      for (ManifestEntry e : t.files().entries(m)) {
        if (e.isLive()) {
          out.add(e.file());
        }
      }
    }
    return out;
  }

  private static List<Long> ids(List<Row> rows) {
    return rows.stream().map(r -> r.getLong("id")).sorted().toList();
  }

  @Test
  void encryptedTableRoundTripsAndKeepsEncryptedColumnsOutOfFilesAndManifests() {
    Warehouse wh = encrypted();
    Table t = createTable(wh, "people", Map.of(EncryptionSettings.KEY_ID, "k1"));
    t.appendRecords(rows(0, 500));
    t.appendRecords(rows(500, 500));

    List<Row> all = t.scan().toList();
    assertThat(ids(all)).hasSize(1000).startsWith(0L, 1L).endsWith(999L);
    assertThat(all).allSatisfy(r -> assertThat(r.getString("ssn")).isEqualTo(ssn(r.getLong("id"))));
    assertThat(ids(t.scan().filter(equal("ssn", ssn(777))).toList())).containsExactly(777L);
    assertThat(ids(t.scan().filter(greaterThanOrEqual("id", 990L)).toList())).hasSize(10);

    StorageBackend storage = wh.storage();
    for (DataFile f : liveFiles(t)) {
      KeyMetadata km = KeyMetadata.parse(f.keyMetadata());
      assertThat(km.masterKeyId()).isEqualTo("k1");
      // every column is encrypted by default: no bounds at all in the manifest; counts stay
      assertThat(f.lowerBounds() == null ? Map.of() : f.lowerBounds()).isEmpty();
      assertThat(f.upperBounds() == null ? Map.of() : f.upperBounds()).isEmpty();
      assertThat(f.valueCounts()).containsKey(3);
      byte[] bytes = storage.readAll(f.location());
      assertThat(new String(bytes, 0, 4, StandardCharsets.US_ASCII)).isEqualTo("PARE");  // encrypted footer
      String text = new String(bytes, StandardCharsets.ISO_8859_1);
      assertThat(text).doesNotContain("SSN-").doesNotContain("name-");
    }

    // compaction rewrites into new encrypted files with new data keys
    t.rewriteDataFiles().execute();
    List<DataFile> compacted = liveFiles(t);
    assertThat(compacted).allSatisfy(f -> assertThat(f.keyMetadata()).isNotNull());
    assertThat(ids(t.scan().toList())).hasSize(1000);

    // another process with the key reads it too
    try (Warehouse again = reopen(plain)) {
      assertThat(ids(again.withKeyManagement(keys).loadTable("people").scan().toList())).hasSize(1000);
    }
  }

  /**
   * Merge-on-read upserts keyed on an encrypted column: an equality delete file would hold the keys in plaintext, so
   * they are written as position deletes (paths and positions only); no byte of any file of the table holds a key.
   * With the key column unencrypted, equality deletes are used as usual.
   */
  @Test
  void mergeOnReadUpsertsNeverWriteAnEncryptedKeyInPlaintext() {
    Schema keyed = Schema.of(Field.required(1, "ssn", Types.STRING), Field.optional(2, "amount", Types.DOUBLE));
    Warehouse wh = encrypted();
    for (boolean keyEncrypted : List.of(true, false)) {
      Map<String, String> props = new HashMap<>(Map.of(EncryptionSettings.KEY_ID, "k1",
          io.datashard.TableProperties.DELETE_MODE, io.datashard.TableProperties.DELETE_MODE_MERGE_ON_READ));
      if (!keyEncrypted) {
        props.put(EncryptionSettings.COLUMNS, "amount");
        props.put(EncryptionSettings.FOOTER, "plaintext");
      }
      Table t = wh.createTable(keyEncrypted ? "keys_sealed" : "keys_open", keyed, PartitionSpec.unpartitioned(), props);
      t.updateSchema().setIdentifierFields(List.of("ssn")).commit();
      List<Map<String, Object>> rows = new ArrayList<>();
      for (long i = 0; i < 50; i++) {
        rows.add(Map.of("ssn", ssn(i), "amount", 1.0));
      }
      t.appendRecords(rows);
      Snapshot s = t.upsert(List.of(Map.of("ssn", ssn(7), "amount", 2.0), Map.of("ssn", ssn(900), "amount", 3.0)));
      long equality = Long.parseLong(s.summary().getOrDefault("added-equality-deletes", "0"));
      long position = Long.parseLong(s.summary().getOrDefault("added-position-deletes", "0"));
      Map<String, Double> state = new HashMap<>();
      t.scan().toList().forEach(r -> state.put(r.getString("ssn"), (Double) r.get("amount")));
      assertThat(state).hasSize(51).containsEntry(ssn(7), 2.0).containsEntry(ssn(900), 3.0)
          .containsEntry(ssn(8), 1.0);
      if (keyEncrypted) {
        assertThat(equality).as("no equality delete of an encrypted key").isZero();
        assertThat(position).as("position deletes instead").isEqualTo(1);
        for (FileInfo f : wh.storage().list(t.location())) {
          String text = new String(wh.storage().readAll(f.location()), StandardCharsets.ISO_8859_1);
          assertThat(text).as("plaintext key in %s", f.location()).doesNotContain("SSN-");
        }
      } else {
        assertThat(equality).as("an unencrypted key keeps equality deletes").isEqualTo(2);
      }
    }
  }

  @Test
  void plaintextFooterEncryptsOnlyTheNamedColumnsAndKeepsTheOthersBounds() {
    Table t = createTable(encrypted(), "partly", Map.of(EncryptionSettings.KEY_ID, "k1",
        EncryptionSettings.COLUMNS, "ssn", EncryptionSettings.FOOTER, "plaintext"));
    t.appendRecords(rows(0, 300));
    t.appendRecords(rows(300, 300));
    for (DataFile f : liveFiles(t)) {
      assertThat(f.lowerBounds()).containsKeys(1, 2, 4).doesNotContainKey(3);
      assertThat(f.upperBounds()).containsKeys(1, 2, 4).doesNotContainKey(3);
      byte[] bytes = encrypted().storage().readAll(f.location());
      assertThat(new String(bytes, 0, 4, StandardCharsets.US_ASCII)).isEqualTo("PAR1");
      assertThat(new String(bytes, StandardCharsets.ISO_8859_1)).doesNotContain("SSN-").contains("name-");
    }
    // file pruning still works on the plaintext columns
    Table again = encrypted().loadTable("partly");
    var scan = again.scan().filter(greaterThanOrEqual("id", 300L));
    assertThat(ids(scan.toList())).hasSize(300);
    assertThat(scan.report().filesPruned()).isEqualTo(1);
    assertThat(ids(again.scan().filter(equal("ssn", ssn(5))).toList())).containsExactly(5L);
  }

  @Test
  void encryptionAppliesAfterDataShardsOwnPageCompressionWithEveryCodec() {
    for (String codec : List.of("uncompressed", "snappy", "zstd", "gzip")) {
      Table t = createTable(encrypted(), "codec-" + codec, Map.of(EncryptionSettings.KEY_ID, "k1",
          EncryptionSettings.COLUMNS, "ssn", EncryptionSettings.FOOTER, "plaintext",
          "write.parquet.compression-codec", codec));
      t.appendRecords(rows(0, 200));
      String text = new String(encrypted().storage().readAll(liveFiles(t).get(0).location()),
          StandardCharsets.ISO_8859_1);
      assertThat(text).as(codec).doesNotContain("SSN-");
      if (!codec.equals("gzip")) {   // gzip's Huffman coding hides the plaintext column too
        assertThat(text).as(codec + ": the unencrypted column is readable, so the check above means something")
            .contains("name-");
      }
      assertThat(t.scan().toList()).as(codec).hasSize(200)
          .allSatisfy(r -> assertThat(r.getString("ssn")).isEqualTo(ssn(r.getLong("id"))));
    }
  }

  @Test
  void readingWithoutKeyManagementFailsNamingTableAndKeyId() {
    Table t = createTable(encrypted(), "nokey", Map.of(EncryptionSettings.KEY_ID, "k1"));
    t.appendRecords(rows(0, 10));
    try (Warehouse other = reopen(plain)) {
      Table withoutKeys = other.loadTable("nokey");
      assertThatThrownBy(() -> withoutKeys.scan().toList())
          .isInstanceOf(KeyManagementException.class)
          .hasMessageContaining("nokey").hasMessageContaining("'k1'")
          .satisfies(e -> assertThat(((KeyManagementException) e).masterKeyId()).isEqualTo("k1"));
      assertThatThrownBy(() -> withoutKeys.appendRecords(rows(10, 1)))
          .isInstanceOf(KeyManagementException.class).hasMessageContaining("nokey").hasMessageContaining("'k1'");
    }
  }

  @Test
  void readingWithAKeyStoreThatLacksTheKeyFailsNamingTableAndKeyId() {
    Table t = createTable(encrypted(), "lacking", Map.of(EncryptionSettings.KEY_ID, "k1"));
    t.appendRecords(rows(0, 10));
    Path other = temp.resolve("other.p12");
    Pkcs12KeyStore.generateKey(other, PASSWORD, "k2");
    try (Warehouse wh = reopen(plain)) {
      Table lacking = wh.withKeyManagement(Pkcs12KeyStore.open(other, PASSWORD)).loadTable("lacking");
      assertThatThrownBy(() -> lacking.scan().toList())
          .isInstanceOf(KeyManagementException.class)
          .hasMessageContaining("lacking").hasMessageContaining("'k1'").hasMessageContaining("not in key store");
    }
  }

  @Test
  void readingWithAWrongKeyUnderTheSameIdFailsNamingTableAndKeyId() {
    Table t = createTable(encrypted(), "wrong", Map.of(EncryptionSettings.KEY_ID, "k1"));
    t.appendRecords(rows(0, 10));
    Path impostor = temp.resolve("impostor.p12");
    Pkcs12KeyStore.generateKey(impostor, PASSWORD, "k1");   // same id, another key
    try (Warehouse wh = reopen(plain)) {
      Table wrong = wh.withKeyManagement(Pkcs12KeyStore.open(impostor, PASSWORD)).loadTable("wrong");
      assertThatThrownBy(() -> wrong.scan().toList())
          .isInstanceOf(KeyManagementException.class)
          .hasMessageContaining("wrong").hasMessageContaining("'k1'").hasMessageContaining("not the key that wrapped");
    }
  }

  @Test
  void aTamperedDataFileFailsAuthenticationAndYieldsNoAlteredRow() {
    Table t = createTable(encrypted(), "tampered", Map.of(EncryptionSettings.KEY_ID, "k1"));
    t.appendRecords(rows(0, 2000));
    DataFile f = liveFiles(t).get(0);
    StorageBackend storage = encrypted().storage();
    byte[] original = storage.readAll(f.location());
    for (int at : new int[] {original.length / 3, original.length / 2, original.length - 20}) {
      byte[] bytes = original.clone();
      bytes[at] ^= 0x01;   // one bit
      storage.writeAll(f.location(), bytes);
      try (Warehouse wh = reopen(plain)) {
        Table reader = wh.withKeyManagement(keys).loadTable("tampered");
        List<Row> seen = new ArrayList<>();
        assertThatThrownBy(() -> reader.scan().iterator().forEachRemaining(seen::add))
            .as("bit flipped at byte %d of %d", at, original.length)
            .isInstanceOf(DataFileDecryptionException.class)
            .hasMessageContaining("tampered").hasMessageContaining(f.location()).hasMessageContaining("'k1'")
            .hasMessageContaining("failed authentication");
        // whatever came before the failing module is authentic
        assertThat(seen).allSatisfy(r -> assertThat(r.getString("ssn")).isEqualTo(ssn(r.getLong("id"))));
      }
    }
    storage.writeAll(f.location(), original);
    try (Warehouse wh = reopen(plain)) {
      assertThat(ids(wh.withKeyManagement(keys).loadTable("tampered").scan().toList())).hasSize(2000);
    }
  }

  @Test
  void anEncryptedFileReplacedByAPlaintextOneIsRefused() {
    Table t = createTable(encrypted(), "swapped", Map.of(EncryptionSettings.KEY_ID, "k1"));
    t.appendRecords(rows(0, 10));
    Table forged = createTable(encrypted(), "forged", Map.of());
    Map<String, Object> evil = new HashMap<>(rows(0, 1).get(0));
    evil.put("ssn", "FORGED");
    forged.appendRecords(List.of(evil));
    StorageBackend storage = encrypted().storage();
    storage.writeAll(liveFiles(t).get(0).location(), storage.readAll(liveFiles(forged).get(0).location()));
    try (Warehouse wh = reopen(plain)) {
      // Refused either way, never read: as failing authentication, or (S3, where reads use the size the manifest
      // recorded) as a storage read past the end of the shorter forged file.
      assertThatThrownBy(() -> wh.withKeyManagement(keys).loadTable("swapped").scan().toList())
          .isInstanceOfAny(DataFileDecryptionException.class, io.datashard.StorageException.class)
          .hasMessageContaining("swapped");
    }
  }

  @Test
  void rotationRewrapsKeysWithoutRewritingDataFiles() {
    Table t = createTable(encrypted(), "rotated", Map.of(EncryptionSettings.KEY_ID, "k1"));
    t.appendRecords(rows(0, 100));
    t.appendRecords(rows(100, 100));
    long before = t.currentSnapshot().snapshotId();
    Map<String, byte[]> bytesBefore = new HashMap<>();
    for (DataFile f : liveFiles(t)) {
      bytesBefore.put(f.location(), encrypted().storage().readAll(f.location()));
    }
    assertThat(t.masterKeysInUse()).containsExactly(Map.entry("k1", 2L));

    KeyRotation r = t.rotateMasterKey("k2");
    assertThat(r.rewrappedFiles()).isEqualTo(2);
    assertThat(r.snapshot().summary()).containsEntry("operation", "replace");
    assertThat(t.masterKeysInUse()).containsExactly(Map.entry("k2", 2L));
    assertThat(t.properties()).containsEntry(EncryptionSettings.KEY_ID, "k2");
    for (DataFile f : liveFiles(t)) {
      assertThat(encrypted().storage().readAll(f.location())).isEqualTo(bytesBefore.get(f.location()));
    }
    t.appendRecords(rows(200, 100));   // new files use k2
    assertThat(t.masterKeysInUse()).containsExactly(Map.entry("k2", 3L));
    assertThat(t.rotateMasterKey("k2").rewrappedFiles()).isZero();   // idempotent

    // a key store holding only k2 reads the current snapshot; the snapshot before the rotation still needs k1
    Path onlyK2 = temp.resolve("only-k2.p12");
    Pkcs12KeyStore.generateKey(onlyK2, PASSWORD, "unrelated");
    copyKey(keystore, onlyK2, "k2");
    try (Warehouse wh = reopen(plain)) {
      Table reader = wh.withKeyManagement(Pkcs12KeyStore.open(onlyK2, PASSWORD)).loadTable("rotated");
      assertThat(ids(reader.scan().toList())).hasSize(300);
      assertThatThrownBy(() -> reader.scan().useSnapshot(before).toList())
          .isInstanceOf(KeyManagementException.class).hasMessageContaining("'k1'");
    }
  }

  @Test
  void anEncryptedColumnCannotBeAPartitionSource() {
    Table t = encrypted().createTable("parted", SCHEMA, PartitionSpec.builderFor(SCHEMA).identity("ssn").build(),
        Map.of(EncryptionSettings.KEY_ID, "k1"));
    assertThatThrownBy(() -> t.appendRecords(rows(0, 3)))
        .isInstanceOf(ValidationException.class).hasMessageContaining("ssn").hasMessageContaining("partition");
  }

  @Test
  void noKeyMaterialInErrorsOrLogs() throws Exception {
    Table t = createTable(encrypted(), "secrets", Map.of(EncryptionSettings.KEY_ID, "k1"));
    PrintStream err = System.err;
    ByteArrayOutputStream logs = new ByteArrayOutputStream();
    List<String> texts = new ArrayList<>();
    System.setErr(new PrintStream(logs, true, StandardCharsets.UTF_8));
    try {
      t.appendRecords(rows(0, 50));
      t.rotateMasterKey("k2");
      DataFile f = liveFiles(t).get(0);
      // wrong key, missing key, tampering, no key management: collect every message and stack trace
      Path impostor = temp.resolve("impostor2.p12");
      Pkcs12KeyStore.generateKey(impostor, PASSWORD, "k2");
      byte[] original = encrypted().storage().readAll(f.location());
      try (Warehouse wh = reopen(plain)) {
        texts.add(failure(() -> wh.loadTable("secrets").scan().toList()));
        texts.add(failure(() -> wh.withKeyManagement(Pkcs12KeyStore.open(impostor, PASSWORD)).loadTable("secrets")
            .scan().toList()));
        byte[] bytes = original.clone();
        bytes[10] ^= 0x10;   // in the first page's module (nonce), after the magic and length
        encrypted().storage().writeAll(f.location(), bytes);
      }
      try (Warehouse wh = reopen(plain)) {
        texts.add(failure(() -> wh.withKeyManagement(keys).loadTable("secrets").scan().toList()));
      }
      encrypted().storage().writeAll(f.location(), original);
      texts.add(keys.toString() + TableInternals.of(t).files().keys() + KeyMetadata.parse(f.keyMetadata()));
    } finally {
      System.setErr(err);
    }
    texts.add(logs.toString(StandardCharsets.UTF_8));

    List<byte[]> secrets = new ArrayList<>();
    KeyStore ks = KeyStore.getInstance("PKCS12");
    try (var in = Files.newInputStream(keystore)) {
      ks.load(in, PASSWORD);
    }
    for (String alias : List.of("k1", "k2")) {
      secrets.add(ks.getKey(alias, PASSWORD).getEncoded());
    }
    for (DataFile f : liveFiles(t)) {
      KeyMetadata km = KeyMetadata.parse(f.keyMetadata());
      secrets.add(km.wrappedKey());
      byte[] dataKey = keys.unwrapKey(km.wrappedKey(), km.masterKeyId());
      secrets.add(dataKey);
      secrets.add(FileEncryptor.derive(dataKey, FileEncryptor.FOOTER_LABEL.getBytes(StandardCharsets.UTF_8)));
    }
    secrets.add(new String(PASSWORD).getBytes(StandardCharsets.UTF_8));
    assertThat(texts).hasSize(5);
    for (String text : texts) {
      for (byte[] s : secrets) {
        for (String form : forms(s)) {
          assertThat(text).doesNotContain(form);
        }
      }
    }
  }

  private static List<String> forms(byte[] secret) {
    byte[] head = java.util.Arrays.copyOf(secret, Math.min(secret.length, 12));
    return List.of(HexFormat.of().formatHex(head), HexFormat.of().withUpperCase().formatHex(head),
        Base64.getEncoder().encodeToString(head).substring(0, 12), new String(head, StandardCharsets.ISO_8859_1),
        java.util.Arrays.toString(head).substring(0, Math.min(20, java.util.Arrays.toString(head).length())));
  }

  private static String failure(Runnable r) {
    try {
      r.run();
    } catch (RuntimeException e) {
      StringWriter w = new StringWriter();
      e.printStackTrace(new PrintWriter(w));
      return e + "\n" + w;
    }
    throw new AssertionError("expected a failure");
  }

  /** Copies one key between PKCS#12 files (as an operator would with keytool -importkeystore). */
  protected static void copyKey(Path from, Path to, String alias) {
    try {
      KeyStore src = KeyStore.getInstance("PKCS12");
      try (var in = Files.newInputStream(from)) {
        src.load(in, PASSWORD);
      }
      KeyStore dst = KeyStore.getInstance("PKCS12");
      try (var in = Files.newInputStream(to)) {
        dst.load(in, PASSWORD);
      }
      dst.setEntry(alias, src.getEntry(alias, new KeyStore.PasswordProtection(PASSWORD)),
          new KeyStore.PasswordProtection(PASSWORD));
      try (var out = Files.newOutputStream(to)) {
        dst.store(out, PASSWORD);
      }
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }
}
