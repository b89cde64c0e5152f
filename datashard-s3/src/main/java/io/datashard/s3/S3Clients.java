package io.datashard.s3;

import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.AwsSessionCredentials;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.core.checksums.ResponseChecksumValidation;
import software.amazon.awssdk.http.apache.ApacheHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.S3ClientBuilder;
import software.amazon.awssdk.services.s3.S3Configuration;

/** Builds the AWS SDK client of a backend: HTTP pool, region, endpoint, checksums and credentials. */
final class S3Clients {
  private S3Clients() {
  }

  /** @return a client whose own retries are off: the backend retries itself (see {@link S3Retry}) */
  static S3Client build(S3Config config) {
    boolean required = config.checksumMode() == S3Config.ChecksumMode.WHEN_REQUIRED;
    S3ClientBuilder b = S3Client.builder()
        .httpClientBuilder(ApacheHttpClient.builder()
            .maxConnections(config.maxConnections())
            .connectionTimeout(config.connectionTimeout())
            .socketTimeout(config.socketTimeout())
            // Metadata objects are small: waiting for "100 Continue" costs a round trip and buys nothing.
            .expectContinueEnabled(false))
        .region(Region.of(config.region()))
        .credentialsProvider(credentials(config))
        .forcePathStyle(config.pathStyle())
        .serviceConfiguration(S3Configuration.builder().chunkedEncodingEnabled(!required).build())
        .requestChecksumCalculation(required
            ? RequestChecksumCalculation.WHEN_REQUIRED : RequestChecksumCalculation.WHEN_SUPPORTED)
        .responseChecksumValidation(required
            ? ResponseChecksumValidation.WHEN_REQUIRED : ResponseChecksumValidation.WHEN_SUPPORTED)
        // Retries are ours: the commit primitive must never be retried blindly (a retried conditional put
        // after a lost response answers 412 for our own object).
        .overrideConfiguration(o -> o.retryStrategy(AwsRetryStrategy.doNotRetry()));
    if (config.endpoint() != null) {
      b.endpointOverride(config.endpoint());
    }
    return b.build();
  }

  /** @return static credentials when configured, else the AWS default chain */
  static AwsCredentialsProvider credentials(S3Config config) {
    if (!config.hasStaticCredentials()) {
      return DefaultCredentialsProvider.builder().build();
    }
    if (config.sessionToken() != null) {
      return StaticCredentialsProvider.create(
          AwsSessionCredentials.create(config.accessKey(), config.secretKey(), config.sessionToken()));
    }
    return StaticCredentialsProvider.create(AwsBasicCredentials.create(config.accessKey(), config.secretKey()));
  }
}
