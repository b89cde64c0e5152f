package io.datashard.encryption;

import java.util.Locale;
import java.util.Map;
import java.util.ServiceLoader;

/**
 * The key-management client the environment describes, for {@code Warehouse.fromEnvironment} (and so
 * {@code DataShard}, the CLI and the server):
 * <ul>
 *   <li>{@code DATASHARD_KMS=pkcs12} (or unset) with {@code DATASHARD_KEYSTORE} and
 *       {@code DATASHARD_KEYSTORE_PASSWORD}: a {@link Pkcs12KeyStore};</li>
 *   <li>{@code DATASHARD_KMS=aws}: AWS KMS ({@code datashard-s3} on the class path; region, endpoint and credentials
 *       from {@code DATASHARD_KMS_REGION}, {@code DATASHARD_KMS_ENDPOINT} or the AWS defaults);</li>
 *   <li>nothing set: no client (unencrypted tables only).</li>
 * </ul>
 */
public final class KeyManagement {
  /** Environment variable: the kind of key management ({@code pkcs12} or {@code aws}). */
  public static final String ENV_KMS = "DATASHARD_KMS";

  private KeyManagement() {
  }

  /**
   * @param env the environment
   * @return the client, or null when the environment configures none
   * @throws KeyManagementException for an unknown kind or an incomplete configuration
   */
  public static KeyManagementClient fromEnvironment(Map<String, String> env) {
    String kind = env.getOrDefault(ENV_KMS, "").trim().toLowerCase(Locale.ROOT);
    if (kind.isEmpty()) {
      String store = env.get(Pkcs12KeyStore.ENV_KEYSTORE);
      return store == null || store.isBlank() ? null : Pkcs12KeyStore.fromEnvironment(env);
    }
    if (kind.equals("pkcs12")) {
      return Pkcs12KeyStore.fromEnvironment(env);
    }
    for (KeyManagementProvider p : ServiceLoader.load(KeyManagementProvider.class,
        KeyManagement.class.getClassLoader())) {
      if (p.kind().equalsIgnoreCase(kind)) {
        return p.create(env);
      }
    }
    throw new KeyManagementException(null, ENV_KMS + "=" + kind + " is not available: use 'pkcs12', or 'aws' with "
        + "the io.datashard:datashard-s3 module on the class path");
  }
}
