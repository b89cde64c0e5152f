package io.datashard.s3;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Removes secrets from text that may reach a log line or an exception message. A secret is replaced by {@code ****}
 * without mangling the words of the message: a secret of {@value #ANYWHERE_LENGTH} characters or more (every real S3
 * secret key, session token and SSE-C key is; such a string is never a word) is masked wherever it appears; a shorter
 * one only where it stands as a whole value, after {@code =} or {@code :} or in quotes. So a (weak) secret {@code the}
 * masks {@code key=the} but leaves "rejected the request signature" readable.
 */
final class Redaction {
  /** Secrets at least this long are masked wherever they appear. */
  static final int ANYWHERE_LENGTH = 16;
  private static final String VALUE_END = "(?=$|[\\s\"'&,;)\\]}])";

  private Redaction() {
  }

  static String redact(String text, S3Config config) {
    if (text == null) {
      return null;
    }
    String out = text;
    for (String secret : new String[] {config.secretKey(), config.sessionToken(), config.sseCustomerKey()}) {
      if (secret != null && !secret.isEmpty()) {
        out = mask(out, secret);
      }
    }
    return out;
  }

  static String mask(String text, String secret) {
    if (secret.length() >= ANYWHERE_LENGTH) {
      return text.replace(secret, "****");
    }
    String s = Pattern.quote(secret);
    String asValue = "(?<=[=:]|[=:]\\s|[\"'])" + s + VALUE_END;
    return Pattern.compile(asValue).matcher(text).replaceAll(Matcher.quoteReplacement("****"));
  }
}
