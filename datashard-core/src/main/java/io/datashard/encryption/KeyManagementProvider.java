package io.datashard.encryption;

import java.util.Map;

/**
 * Service-provider interface through which a module contributes a {@link KeyManagementClient} kind that
 * {@code DATASHARD_KMS} selects (registered in {@code META-INF/services}); {@code datashard-s3} provides
 * {@code aws}.
 */
public interface KeyManagementProvider {
  /** @return the kind's name, as {@code DATASHARD_KMS} spells it ({@code aws}) */
  String kind();

  /**
   * @param env the environment ({@code DATASHARD_*} and the provider's own variables)
   * @return a new client
   */
  KeyManagementClient create(Map<String, String> env);
}
