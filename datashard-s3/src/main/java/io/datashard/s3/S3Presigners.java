package io.datashard.s3;

import io.datashard.DataShardException;
import io.datashard.ValidationException;
import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicReference;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Configuration;
import software.amazon.awssdk.services.s3.model.GetObjectRequest;
import software.amazon.awssdk.services.s3.presigner.S3Presigner;
import software.amazon.awssdk.services.s3.presigner.model.GetObjectPresignRequest;

/** Presigned {@code GET} URLs through the AWS SDK's {@link S3Presigner}, configured like the backend's client. */
final class S3Presigners {
  /** The longest validity S3 accepts for a SigV4 presigned URL. */
  static final Duration MAX_TTL = Duration.ofDays(7);

  private S3Presigners() {
  }

  static URI presignGet(S3Config config, AtomicReference<S3Presigner> holder, String location, Duration ttl) {
    if (ttl == null || ttl.isZero() || ttl.isNegative() || ttl.compareTo(MAX_TTL) > 0) {
      throw new ValidationException("the TTL of a presigned S3 URL must be more than zero and at most 7 days, got "
          + ttl);
    }
    if (config.sseMode() == S3Config.SseMode.SSE_C) {
      throw new DataShardException("cannot presign " + location + ": the warehouse uses SSE-C (customer-provided "
          + "keys), so every read must send the key in headers, which a URL cannot carry; use SSE-S3 or SSE-KMS");
    }
    S3Location loc = S3Location.parse(location);
    GetObjectRequest get = GetObjectRequest.builder().bucket(loc.bucket()).key(loc.objectKey(location)).build();
    S3Presigner p = holder.get();
    if (p == null) {
      S3Presigner fresh = build(config);
      if (holder.compareAndSet(null, fresh)) {
        p = fresh;
      } else {
        fresh.close();
        p = holder.get();
      }
    }
    try {
      return p.presignGetObject(GetObjectPresignRequest.builder().signatureDuration(ttl).getObjectRequest(get).build())
          .url().toURI();
    } catch (URISyntaxException e) {
      throw new DataShardException("the presigned URL of " + location + " is not a valid URI", e);
    }
  }

  static S3Presigner build(S3Config config) {
    S3Presigner.Builder b = S3Presigner.builder()
        .region(Region.of(config.region()))
        .credentialsProvider(S3Clients.credentials(config))
        .serviceConfiguration(S3Configuration.builder().pathStyleAccessEnabled(config.pathStyle()).build());
    if (config.endpoint() != null) {
      b.endpointOverride(config.endpoint());
    }
    return b.build();
  }

  static void close(AtomicReference<S3Presigner> holder) {
    S3Presigner p = holder.getAndSet(null);
    if (p != null) {
      p.close();
    }
  }
}
