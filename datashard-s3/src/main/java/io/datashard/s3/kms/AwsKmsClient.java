package io.datashard.s3.kms;

import io.datashard.encryption.KeyManagementClient;
import io.datashard.encryption.KeyManagementException;
import java.net.URI;
import java.util.Map;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.http.apache.ApacheHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.kms.KmsClient;
import software.amazon.awssdk.services.kms.KmsClientBuilder;
import software.amazon.awssdk.services.kms.model.DecryptRequest;
import software.amazon.awssdk.services.kms.model.EncryptRequest;
import software.amazon.awssdk.services.kms.model.KmsException;

/**
 * Master keys in AWS KMS (symmetric keys, referenced by key id, ARN or alias). A data key is wrapped with
 * {@code Encrypt} and unwrapped with {@code Decrypt}, both with the encryption context
 * {@code {"datashard": "data-key/v1"}} and, for {@code Decrypt}, the expected key id, so KMS refuses to unwrap with
 * any other key. The key never leaves KMS; DataShard sees only the 32-byte data keys it wraps. Thread-safe.
 *
 * <p>From the environment ({@code DATASHARD_KMS=aws}): {@value #ENV_REGION} (else the AWS default region chain),
 * {@value #ENV_ENDPOINT} (optional, for a VPC endpoint or a test stub), {@value #ENV_ACCESS_KEY} and
 * {@value #ENV_SECRET_KEY} (optional; else the AWS default credential chain). See docs/encryption.md.
 */
public final class AwsKmsClient implements KeyManagementClient {
  /** Environment variable: the KMS region. */
  public static final String ENV_REGION = "DATASHARD_KMS_REGION";
  /** Environment variable: a KMS endpoint URL overriding the region's. */
  public static final String ENV_ENDPOINT = "DATASHARD_KMS_ENDPOINT";
  /** Environment variable: an access key for KMS (with {@value #ENV_SECRET_KEY}). */
  public static final String ENV_ACCESS_KEY = "DATASHARD_KMS_ACCESS_KEY";
  /** Environment variable: the secret key for KMS. */
  public static final String ENV_SECRET_KEY = "DATASHARD_KMS_SECRET_KEY";

  static final Map<String, String> CONTEXT = Map.of("datashard", "data-key/v1");

  private final KmsClient kms;
  private final String description;

  /**
   * @param kms a configured SDK client (closed by {@link #close()})
   * @param description where it points, for messages (region or endpoint; no secret)
   */
  public AwsKmsClient(KmsClient kms, String description) {
    this.kms = kms;
    this.description = description;
  }

  /**
   * @param env the variables described in the class comment
   * @return a client
   */
  public static AwsKmsClient fromEnvironment(Map<String, String> env) {
    KmsClientBuilder b = KmsClient.builder().httpClientBuilder(ApacheHttpClient.builder());
    String region = blankToNull(env.get(ENV_REGION));
    if (region != null) {
      b.region(Region.of(region));
    }
    String endpoint = blankToNull(env.get(ENV_ENDPOINT));
    if (endpoint != null) {
      b.endpointOverride(URI.create(endpoint));
    }
    String access = blankToNull(env.get(ENV_ACCESS_KEY));
    String secret = blankToNull(env.get(ENV_SECRET_KEY));
    AwsCredentialsProvider credentials = access != null && secret != null
        ? StaticCredentialsProvider.create(AwsBasicCredentials.create(access, secret))
        : DefaultCredentialsProvider.builder().build();
    b.credentialsProvider(credentials);
    return new AwsKmsClient(b.build(), "AWS KMS" + (endpoint != null ? " at " + endpoint : "")
        + (region != null ? " in " + region : ""));
  }

  private static String blankToNull(String s) {
    return s == null || s.isBlank() ? null : s.trim();
  }

  @Override
  public byte[] wrapKey(byte[] key, String masterKeyId) {
    try {
      return kms.encrypt(EncryptRequest.builder().keyId(masterKeyId).plaintext(SdkBytes.fromByteArray(key))
          .encryptionContext(CONTEXT).build()).ciphertextBlob().asByteArray();
    } catch (SdkException e) {
      throw failure("wrap a data key with", masterKeyId, e);
    }
  }

  @Override
  public byte[] unwrapKey(byte[] wrappedKey, String masterKeyId) {
    try {
      return kms.decrypt(DecryptRequest.builder().keyId(masterKeyId).ciphertextBlob(SdkBytes.fromByteArray(wrappedKey))
          .encryptionContext(CONTEXT).build()).plaintext().asByteArray();
    } catch (SdkException e) {
      throw failure("unwrap a data key with", masterKeyId, e);
    }
  }

  /** Describes a failure by KMS's error code and message (which carry no key material), never the request. */
  private KeyManagementException failure(String action, String masterKeyId, SdkException e) {
    String why;
    if (e instanceof KmsException k && k.awsErrorDetails() != null) {
      String code = k.awsErrorDetails().errorCode();
      why = switch (code == null ? "" : code) {
        case "NotFoundException" -> "the key does not exist in " + description;
        case "IncorrectKeyException", "InvalidCiphertextException" ->
            "it is not the key that wrapped this data key (a wrong or replaced key), or the wrapped key was altered";
        case "AccessDeniedException" -> "access denied";
        case "DisabledException" -> "the key is disabled";
        case "KMSInvalidStateException" -> "the key is not usable in its current state (pending deletion?)";
        default -> code;
      } + " [" + code + ": " + k.awsErrorDetails().errorMessage() + ", HTTP " + k.statusCode() + "]";
    } else {
      why = e.getClass().getSimpleName() + ": " + e.getMessage();
    }
    return new KeyManagementException(masterKeyId, "cannot " + action + " master key '" + masterKeyId + "' of "
        + description + ": " + why);
  }

  @Override
  public String describe() {
    return description;
  }

  @Override
  public void close() {
    kms.close();
  }

  @Override
  public String toString() {
    return "AwsKmsClient{" + description + "}";
  }
}
