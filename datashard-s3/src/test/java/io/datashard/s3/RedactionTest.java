package io.datashard.s3;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** Secrets are masked as whole values; the words of a message stay readable. */
class RedactionTest {
  @Test
  void aShortSecretIsMaskedAsAValueNotAsAWord() {
    String message = "the S3 endpoint http://x rejected the request signature; secretKey=the, token: 'the'";
    assertThat(Redaction.mask(message, "the")).isEqualTo(
        "the S3 endpoint http://x rejected the request signature; secretKey=****, token: '****'");
  }

  @Test
  void aRealSecretIsMaskedWherever() {
    String secret = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY";
    assertThat(Redaction.mask("header x-amz-key:" + secret + " and url ?k=" + secret + "&x=1, plain " + secret
        + "tail", secret)).isEqualTo("header x-amz-key:**** and url ?k=****&x=1, plain ****tail").doesNotContain(secret);
  }
}
