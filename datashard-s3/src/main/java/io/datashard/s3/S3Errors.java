package io.datashard.s3;

import io.datashard.StorageException;
import io.datashard.storage.FileNotFoundInStorageException;
import java.io.IOException;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.UnknownHostException;
import software.amazon.awssdk.core.exception.ApiCallAttemptTimeoutException;
import software.amazon.awssdk.core.exception.ApiCallTimeoutException;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.s3.model.S3Exception;

/**
 * Classifies SDK failures (retryable, certainly not sent) and turns them into {@link StorageException}s whose
 * messages say what to fix and never contain a secret.
 */
final class S3Errors {
  private final S3Config config;

  S3Errors(S3Config config) {
    this.config = config;
  }

  /** @return the HTTP status of a store answer, 0 when there was none */
  static int status(SdkException e) {
    return e instanceof S3Exception ? ((S3Exception) e).statusCode() : 0;
  }

  /** @return the S3 error code of a store answer, or null */
  static String errorCode(SdkException e) {
    if (e instanceof S3Exception && ((S3Exception) e).awsErrorDetails() != null) {
      return ((S3Exception) e).awsErrorDetails().errorCode();
    }
    return null;
  }

  /** Throttling, server errors, timeouts and broken connections; retrying an idempotent request is safe. */
  static boolean isRetryable(SdkException e) {
    if (e instanceof S3Exception) {
      int status = status(e);
      String code = errorCode(e);
      return status == 500 || status == 502 || status == 503 || status == 504 || status == 429
          || "SlowDown".equals(code) || "Throttling".equals(code) || "ThrottlingException".equals(code)
          || "RequestTimeout".equals(code) || "InternalError".equals(code);
    }
    if (e instanceof ApiCallAttemptTimeoutException || e instanceof ApiCallTimeoutException) {
      return true;
    }
    if (e instanceof SdkClientException) {
      for (Throwable t = e.getCause(); t != null; t = t.getCause()) {
        if (t instanceof UnknownHostException || t instanceof javax.net.ssl.SSLHandshakeException) {
          return false;
        }
        if (t instanceof IOException) {
          return true;
        }
      }
    }
    return false;
  }

  /** The request certainly did not reach the store (or was refused unprocessed), so it had no effect. */
  static boolean notSent(SdkException e) {
    int status = status(e);
    if (status == 503 || status == 429 || "SlowDown".equals(errorCode(e))) {
      return true;
    }
    if (e instanceof SdkClientException) {
      for (Throwable t = e.getCause(); t != null; t = t.getCause()) {
        if (t instanceof ConnectException || t instanceof NoRouteToHostException
            || t instanceof org.apache.http.conn.ConnectTimeoutException) {
          return true;
        }
      }
    }
    return false;
  }

  /** @return a short, redacted description of a failure for logs and messages */
  String describe(SdkException e) {
    if (e instanceof S3Exception) {
      return "HTTP " + status(e) + " " + errorCode(e);
    }
    Throwable root = e;
    while (root.getCause() != null) {
      root = root.getCause();
    }
    return Redaction.redact(root.getClass().getSimpleName() + ": " + root.getMessage(), config);
  }

  /** @return the store as users know it, for messages */
  String endpointDescription() {
    return config.endpoint() == null ? "AWS S3 (region " + config.region() + ")" : "the S3 endpoint " + config.endpoint();
  }

  /** Turns an SDK failure into a StorageException that tells the user what to fix. */
  StorageException translate(String op, String location, SdkException e) {
    String accessKey = config.hasStaticCredentials() ? S3Config.maskAccessKey(config.accessKey()) : "from the default chain";
    S3Location loc = S3Location.parse(location);
    String message;
    if (e instanceof S3Exception) {
      int status = status(e);
      String code = errorCode(e);
      String awsMessage = ((S3Exception) e).awsErrorDetails() == null ? null : ((S3Exception) e).awsErrorDetails().errorMessage();
      if ("NoSuchKey".equals(code) || (status == 404 && code == null)) {
        return new FileNotFoundInStorageException(location);
      }
      if ("NoSuchBucket".equals(code)) {
        message = "S3 bucket '" + loc.bucket() + "' does not exist at " + endpointDescription()
            + ": create it, or fix " + S3Config.ENV_BUCKET + (config.endpoint() == null ? "" : " / " + S3Config.ENV_ENDPOINT);
      } else if ("InvalidAccessKeyId".equals(code)) {
        message = endpointDescription() + " does not know the access key id " + accessKey + ": check "
            + S3Config.ENV_ACCESS_KEY + " and that " + S3Config.ENV_ENDPOINT + " points at the right store";
      } else if ("SignatureDoesNotMatch".equals(code)) {
        message = endpointDescription() + " rejected the request signature for access key " + accessKey
            + ": the secret key is wrong (check " + S3Config.ENV_SECRET_KEY + "), or " + S3Config.ENV_REGION
            + " or the system clock is off";
      } else if ("ExpiredToken".equals(code) || "TokenRefreshRequired".equals(code) || "InvalidToken".equals(code)) {
        message = "the S3 session credentials have expired or are invalid: refresh them ("
            + S3Config.ENV_SESSION_TOKEN + " or the default credential chain)";
      } else if ("AuthorizationHeaderMalformed".equals(code) || "PermanentRedirect".equals(code) || status == 301) {
        String region = ((S3Exception) e).awsErrorDetails() == null ? null
            : ((S3Exception) e).awsErrorDetails().sdkHttpResponse().firstMatchingHeader("x-amz-bucket-region").orElse(null);
        message = "bucket '" + loc.bucket() + "' is not in region " + config.region()
            + (region == null ? "" : " but in " + region) + ": set " + S3Config.ENV_REGION;
      } else if ("RequestTimeTooSkewed".equals(code)) {
        message = "the system clock differs too much from " + endpointDescription() + "'s: synchronise the clock (NTP)";
      } else if ("AccessDenied".equals(code) || status == 403) {
        message = "access denied to " + op + " " + location + " (access key " + accessKey + "): grant s3:GetObject,"
            + " s3:PutObject, s3:DeleteObject and s3:ListBucket on the bucket and prefix, and check bucket policy and"
            + " KMS key permissions";
      } else if ("XAmzContentSHA256Mismatch".equals(code) || "BadDigest".equals(code) || "InvalidDigest".equals(code)
          || (awsMessage != null && awsMessage.toLowerCase(java.util.Locale.ROOT).contains("checksum"))) {
        message = endpointDescription() + " rejected the request's checksum (HTTP " + status + " " + code + ") for "
            + op + " " + location + ": some S3-compatible stores do not accept the checksums the AWS SDK sends; set "
            + S3Config.ENV_CHECKSUM_MODE + "=when_required";
      } else if (code != null && code.startsWith("InvalidBucketName")) {
        message = "'" + loc.bucket() + "' is not a valid bucket name: fix " + S3Config.ENV_BUCKET;
      } else {
        message = "S3 " + op + " of " + location + " failed: HTTP " + status + " " + code
            + (awsMessage == null ? "" : ": " + awsMessage);
      }
      return new StorageException(Redaction.redact(message, config), e);
    }
    Throwable root = e;
    for (Throwable t = e; t != null; t = t.getCause()) {
      root = t;
      if (t instanceof UnknownHostException) {
        message = "cannot resolve the host of " + endpointDescription() + ": check " + S3Config.ENV_ENDPOINT;
        return new StorageException(Redaction.redact(message, config), e);
      }
      if (t instanceof ConnectException) {
        message = "cannot connect to " + endpointDescription() + " to " + op + " " + location
            + ": is the store running, and are " + S3Config.ENV_ENDPOINT + " and " + S3Config.ENV_SSL + " right?";
        return new StorageException(Redaction.redact(message, config), e);
      }
    }
    String text = String.valueOf(e.getMessage());
    if (text.contains("Unable to load credentials")) {
      message = "no S3 credentials found: set " + S3Config.ENV_ACCESS_KEY + " and " + S3Config.ENV_SECRET_KEY
          + ", or configure the AWS default credential chain (AWS_ACCESS_KEY_ID, ~/.aws/credentials, instance role)";
    } else {
      message = "S3 " + op + " of " + location + " failed: " + text
          + (root == e ? "" : " (" + root.getClass().getSimpleName() + ": " + root.getMessage() + ")");
    }
    return new StorageException(Redaction.redact(message, config), e);
  }
}
