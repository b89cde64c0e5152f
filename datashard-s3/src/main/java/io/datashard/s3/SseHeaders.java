package io.datashard.s3;

import io.datashard.DataShardException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import software.amazon.awssdk.services.s3.model.GetObjectRequest;
import software.amazon.awssdk.services.s3.model.HeadObjectRequest;
import software.amazon.awssdk.services.s3.model.PutObjectRequest;
import software.amazon.awssdk.services.s3.model.ServerSideEncryption;

/** The server-side encryption headers of writes (SSE-S3, SSE-KMS, SSE-C), from the backend's settings. */
final class SseHeaders {
  private final S3Config config;
  private final String sseCustomerKeyMd5;

  SseHeaders(S3Config config) {
    this.config = config;
    this.sseCustomerKeyMd5 = config.sseCustomerKey() == null ? null : md5Base64(config.sseCustomerKey());
  }

  /** @return a PutObject request for the object, carrying the configured server-side encryption headers */
  PutObjectRequest.Builder putRequest(String bucket, String key) {
    PutObjectRequest.Builder b = PutObjectRequest.builder().bucket(bucket).key(key);
    switch (config.sseMode()) {
      case SSE_S3:
        b.serverSideEncryption(ServerSideEncryption.AES256);
        break;
      case SSE_KMS:
        b.serverSideEncryption(ServerSideEncryption.AWS_KMS);
        if (config.sseKmsKeyId() != null) {
          b.ssekmsKeyId(config.sseKmsKeyId());
        }
        break;
      case SSE_C:
        b.sseCustomerAlgorithm("AES256").sseCustomerKey(config.sseCustomerKey()).sseCustomerKeyMD5(sseCustomerKeyMd5);
        break;
      default:
        break;
    }
    return b;
  }

  /** @return a GetObject request for the object; with SSE-C it carries the customer key, without which it fails */
  GetObjectRequest.Builder getRequest(String bucket, String key) {
    GetObjectRequest.Builder b = GetObjectRequest.builder().bucket(bucket).key(key);
    if (config.sseMode() == S3Config.SseMode.SSE_C) {
      b.sseCustomerAlgorithm("AES256").sseCustomerKey(config.sseCustomerKey()).sseCustomerKeyMD5(sseCustomerKeyMd5);
    }
    return b;
  }

  /** @return a HeadObject request for the object; with SSE-C it carries the customer key */
  HeadObjectRequest.Builder headRequest(String bucket, String key) {
    HeadObjectRequest.Builder b = HeadObjectRequest.builder().bucket(bucket).key(key);
    if (config.sseMode() == S3Config.SseMode.SSE_C) {
      b.sseCustomerAlgorithm("AES256").sseCustomerKey(config.sseCustomerKey()).sseCustomerKeyMD5(sseCustomerKeyMd5);
    }
    return b;
  }

  private static String md5Base64(String base64Key) {
    try {
      return Base64.getEncoder().encodeToString(MessageDigest.getInstance("MD5").digest(Base64.getDecoder().decode(base64Key)));
    } catch (NoSuchAlgorithmException e) {
      throw new DataShardException("MD5 is not available in this JVM", e);
    }
  }
}
