package io.datashard.s3;

import org.apache.hadoop.conf.Configuration;

/** Builds the Hadoop configuration of the S3A file system from an {@link S3Config}. */
final class S3AConfigurations {
  private S3AConfigurations() {
  }

  static Configuration hadoopConfiguration(S3Config config) {
    Configuration conf = new Configuration();
    // One file system per backend, closed with it; never the JVM-wide FileSystem cache.
    conf.setBoolean("fs.s3a.impl.disable.cache", true);
    if (config.endpoint() != null) {
      conf.set("fs.s3a.endpoint", config.endpoint().toString());
    }
    conf.set("fs.s3a.endpoint.region", config.region());
    conf.setBoolean("fs.s3a.path.style.access", config.pathStyle());
    conf.setBoolean("fs.s3a.connection.ssl.enabled", config.ssl());
    if (config.hasStaticCredentials()) {
      conf.set("fs.s3a.access.key", config.accessKey());
      conf.set("fs.s3a.secret.key", config.secretKey());
      if (config.sessionToken() != null) {
        conf.set("fs.s3a.session.token", config.sessionToken());
        conf.set("fs.s3a.aws.credentials.provider", "org.apache.hadoop.fs.s3a.TemporaryAWSCredentialsProvider");
      } else {
        conf.set("fs.s3a.aws.credentials.provider", "org.apache.hadoop.fs.s3a.SimpleAWSCredentialsProvider");
      }
    } else {
      // The same chain as the metadata client (S3A's own default list skips ~/.aws profiles).
      conf.set("fs.s3a.aws.credentials.provider", "software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider");
    }
    switch (config.sseMode()) {
      case SSE_S3:
        conf.set("fs.s3a.encryption.algorithm", "SSE-S3");
        break;
      case SSE_KMS:
        conf.set("fs.s3a.encryption.algorithm", "SSE-KMS");
        if (config.sseKmsKeyId() != null) {
          conf.set("fs.s3a.encryption.key", config.sseKmsKeyId());
        }
        break;
      case SSE_C:
        conf.set("fs.s3a.encryption.algorithm", "SSE-C");
        conf.set("fs.s3a.encryption.key", config.sseCustomerKey());
        break;
      default:
        break;
    }
    // Data files have unique names: skip the HEAD/LIST probes S3A makes on create, and the bucket probe at start.
    conf.setBoolean("fs.s3a.create.performance", true);
    conf.setInt("fs.s3a.bucket.probe", 0);
    // Fewer requests and less per-request work.
    conf.setBoolean("fs.s3a.audit.enabled", false);
    // Data files are read with the stream the configuration names: classic by default (bounded memory, failures
    // surface in the reading thread), or the analytics stream (Hadoop 3.4.3's own default: Parquet-aware prefetch,
    // small files fetched whole, a block cache shared by the file system's streams), whose memory is bounded here
    // instead of being left at the library's 2 GiB. See S3Config.ReadStream for why classic is the default.
    if (config.readStream() == S3Config.ReadStream.CLASSIC) {
      conf.set("fs.s3a.input.stream.type", "classic");
    } else {
      conf.set("fs.s3a.input.stream.type", "analytics");
      conf.setLong("fs.s3a.analytics.accelerator.physicalio.max.memory.limit", config.readMemoryLimitBytes());
    }
    conf.set("fs.s3a.directory.marker.retention", "keep");
    conf.setInt("fs.s3a.attempts.maximum", config.maxAttempts());
    conf.setInt("fs.s3a.retry.limit", config.maxAttempts());
    conf.setInt("fs.s3a.connection.maximum", Math.max(config.maxConnections(), 16));
    // Data files follow the same checksum mode as metadata: WHEN_SUPPORTED sends a CRC32 with every upload
    // (the SDK's default algorithm) and validates response checksums; WHEN_REQUIRED sends checksums only where an
    // operation requires one, which stores that reject CRC trailers accept.
    boolean supported = config.checksumMode() == S3Config.ChecksumMode.WHEN_SUPPORTED;
    conf.setBoolean("fs.s3a.checksum.generation", supported);
    conf.setBoolean("fs.s3a.checksum.validation", supported);
    if (supported) {
      conf.set("fs.s3a.create.checksum.algorithm", "CRC32");
    }
    return conf;
  }
}
