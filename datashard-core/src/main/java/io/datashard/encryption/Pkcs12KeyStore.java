package io.datashard.encryption;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.GeneralSecurityException;
import java.security.Key;
import java.security.KeyStore;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.KeyGenerator;
import javax.crypto.SecretKey;
import javax.crypto.spec.GCMParameterSpec;

/**
 * Master keys in a local PKCS#12 key store (AES secret-key entries, one per master key id = alias), for single
 * hosts and tests. Data keys are wrapped with AES-GCM (random 96-bit nonce, the master key id as associated data),
 * so a wrong master key or an altered wrapped key fails authentication instead of producing a wrong data key.
 *
 * <p>Create keys with {@code keytool -genseckey -keyalg AES -keysize 256 -storetype PKCS12 -keystore keys.p12
 * -alias orders-2026} or {@link #generateKey}. The store is read when opened and again when a key id is not
 * found, so a key added for rotation is picked up by running processes. The password is held only as long as
 * this object; {@link #toString()} and every message name the file and the key id, nothing secret. Thread-safe.
 */
public final class Pkcs12KeyStore implements KeyManagementClient {
  /** Environment variable: path of the PKCS#12 file. */
  public static final String ENV_KEYSTORE = "DATASHARD_KEYSTORE";
  /** Environment variable: the key store's password (also used for its entries). */
  public static final String ENV_KEYSTORE_PASSWORD = "DATASHARD_KEYSTORE_PASSWORD";

  private static final byte WRAP_VERSION = 1;
  private static final int NONCE_BYTES = 12;
  private static final int TAG_BITS = 128;
  private static final SecureRandom RANDOM = new SecureRandom();

  private final Path file;
  private final char[] password;
  private final Map<String, SecretKey> keys = new ConcurrentHashMap<>();

  private Pkcs12KeyStore(Path file, char[] password) {
    this.file = file;
    this.password = password.clone();
    load();
  }

  /**
   * @param file the PKCS#12 file
   * @param password its password
   * @return the key store
   * @throws KeyManagementException when the file cannot be read or the password is wrong
   */
  public static Pkcs12KeyStore open(Path file, char[] password) {
    return new Pkcs12KeyStore(file, password);
  }

  /**
   * @param env {@value #ENV_KEYSTORE} and {@value #ENV_KEYSTORE_PASSWORD}
   * @return the key store they name
   * @throws KeyManagementException when the password variable is missing or the store cannot be opened
   */
  public static Pkcs12KeyStore fromEnvironment(Map<String, String> env) {
    String path = env.get(ENV_KEYSTORE);
    if (path == null || path.isBlank()) {
      throw new KeyManagementException(null, ENV_KEYSTORE + " is not set");
    }
    String pw = env.get(ENV_KEYSTORE_PASSWORD);
    if (pw == null) {
      throw new KeyManagementException(null, ENV_KEYSTORE + "=" + path + " is set but " + ENV_KEYSTORE_PASSWORD
          + " is not: the key store's password comes from the environment");
    }
    return open(Path.of(path.trim()), pw.toCharArray());
  }

  /**
   * Adds a new random AES-256 master key to a PKCS#12 file, creating the file if absent (the same as
   * {@code keytool -genseckey}); the file is replaced atomically.
   *
   * @param file the PKCS#12 file
   * @param password its password
   * @param masterKeyId the alias of the new key
   * @throws KeyManagementException when the alias exists already or the file cannot be written
   */
  public static void generateKey(Path file, char[] password, String masterKeyId) {
    try {
      KeyStore ks = KeyStore.getInstance("PKCS12");
      if (Files.exists(file)) {
        try (InputStream in = Files.newInputStream(file)) {
          ks.load(in, password);
        }
      } else {
        ks.load(null, password);
      }
      if (ks.containsAlias(masterKeyId)) {
        throw new KeyManagementException(masterKeyId, "key store " + file + " already has a key '" + masterKeyId + "'");
      }
      KeyGenerator gen = KeyGenerator.getInstance("AES");
      gen.init(256, RANDOM);
      ks.setEntry(masterKeyId, new KeyStore.SecretKeyEntry(gen.generateKey()),
          new KeyStore.PasswordProtection(password));
      Path parent = file.toAbsolutePath().getParent();
      Files.createDirectories(parent);
      Path tmp = Files.createTempFile(parent, file.getFileName().toString(), ".tmp");
      try (OutputStream out = Files.newOutputStream(tmp)) {
        ks.store(out, password);
      }
      Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    } catch (IOException | GeneralSecurityException e) {
      throw new KeyManagementException(masterKeyId, "cannot add key '" + masterKeyId + "' to key store " + file
          + ": " + e.getClass().getSimpleName(), e);
    }
  }

  private synchronized void load() {
    try (InputStream in = Files.newInputStream(file)) {
      KeyStore ks = KeyStore.getInstance("PKCS12");
      ks.load(in, password);
      for (String alias : java.util.Collections.list(ks.aliases())) {
        if (ks.isKeyEntry(alias)) {
          Key k = ks.getKey(alias, password);
          if (k instanceof SecretKey s && "AES".equalsIgnoreCase(s.getAlgorithm())) {
            keys.put(alias.toLowerCase(java.util.Locale.ROOT), s);
          }
        }
      }
    } catch (IOException | GeneralSecurityException e) {
      // The JDK's message for a wrong password is generic ("keystore password was incorrect"); it holds no secret.
      throw new KeyManagementException(null, "cannot open key store " + file + ": " + e.getClass().getSimpleName()
          + (e.getMessage() == null ? "" : " (" + e.getMessage() + ")"), e);
    }
  }

  private SecretKey key(String masterKeyId) {
    String alias = masterKeyId.toLowerCase(java.util.Locale.ROOT);  // PKCS#12 aliases are case-insensitive
    SecretKey k = keys.get(alias);
    if (k == null) {
      load();  // a key added since (rotation)
      k = keys.get(alias);
    }
    if (k == null) {
      throw new KeyManagementException(masterKeyId, "master key '" + masterKeyId + "' is not in key store " + file);
    }
    return k;
  }

  @Override
  public byte[] wrapKey(byte[] key, String masterKeyId) {
    try {
      byte[] nonce = new byte[NONCE_BYTES];
      RANDOM.nextBytes(nonce);
      Cipher c = Cipher.getInstance("AES/GCM/NoPadding");
      c.init(Cipher.ENCRYPT_MODE, key(masterKeyId), new GCMParameterSpec(TAG_BITS, nonce));
      c.updateAAD(aad(masterKeyId));
      byte[] sealed = c.doFinal(key);
      return ByteBuffer.allocate(1 + NONCE_BYTES + sealed.length).put(WRAP_VERSION).put(nonce).put(sealed).array();
    } catch (GeneralSecurityException e) {
      throw new KeyManagementException(masterKeyId, "cannot wrap a data key with master key '" + masterKeyId
          + "' of key store " + file + ": " + e.getClass().getSimpleName(), e);
    }
  }

  @Override
  public byte[] unwrapKey(byte[] wrappedKey, String masterKeyId) {
    SecretKey k = key(masterKeyId);
    if (wrappedKey.length < 1 + NONCE_BYTES + TAG_BITS / 8 || wrappedKey[0] != WRAP_VERSION) {
      throw new KeyManagementException(masterKeyId, "the wrapped data key is not one key store " + file
          + " wrapped (truncated or another format)");
    }
    try {
      Cipher c = Cipher.getInstance("AES/GCM/NoPadding");
      c.init(Cipher.DECRYPT_MODE, k, new GCMParameterSpec(TAG_BITS, wrappedKey, 1, NONCE_BYTES));
      c.updateAAD(aad(masterKeyId));
      return c.doFinal(wrappedKey, 1 + NONCE_BYTES, wrappedKey.length - 1 - NONCE_BYTES);
    } catch (AEADBadTagException e) {
      throw new KeyManagementException(masterKeyId, "master key '" + masterKeyId + "' of key store " + file
          + " does not unwrap this data key: it is not the key that wrapped it (a wrong or replaced key), or the "
          + "wrapped key was altered");
    } catch (GeneralSecurityException e) {
      throw new KeyManagementException(masterKeyId, "cannot unwrap a data key with master key '" + masterKeyId
          + "' of key store " + file + ": " + e.getClass().getSimpleName(), e);
    }
  }

  private static byte[] aad(String masterKeyId) {
    return ("datashard key wrap v1:" + masterKeyId.toLowerCase(java.util.Locale.ROOT)).getBytes(StandardCharsets.UTF_8);
  }

  @Override
  public String describe() {
    return "PKCS#12 key store " + file;
  }

  /** Forgets the password. */
  @Override
  public void close() {
    Arrays.fill(password, '\0');
  }

  @Override
  public String toString() {
    return "Pkcs12KeyStore{" + file + "}";
  }
}
