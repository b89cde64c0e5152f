package io.datashard.s3;

/** Removes secrets from text that may reach a log line or an exception message. */
final class Redaction {
  private Redaction() {
  }

  static String redact(String text, S3Config config) {
    if (text == null) {
      return null;
    }
    String out = text;
    for (String secret : new String[] {config.secretKey(), config.sessionToken(), config.sseCustomerKey()}) {
      if (secret != null && !secret.isEmpty()) {
        out = out.replace(secret, "****");
      }
    }
    return out;
  }
}
