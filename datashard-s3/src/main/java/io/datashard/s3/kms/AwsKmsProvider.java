package io.datashard.s3.kms;

import io.datashard.encryption.KeyManagementClient;
import io.datashard.encryption.KeyManagementProvider;
import java.util.Map;

/** Registers AWS KMS as {@code DATASHARD_KMS=aws}. */
public final class AwsKmsProvider implements KeyManagementProvider {
  @Override
  public String kind() {
    return "aws";
  }

  @Override
  public KeyManagementClient create(Map<String, String> env) {
    return AwsKmsClient.fromEnvironment(env);
  }
}
