package io.datashard.server;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.Base64;
import java.util.Optional;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Issues and checks the bearer tokens of the OAuth2 client-credentials flow. A token is
 * {@code ds1.<name>.<expiry>.<HMAC-SHA256 of the rest>} (name base64url, expiry in epoch seconds): nothing is stored,
 * so every server given the same key ({@code DATASHARD_SERVER_TOKEN_SECRET}) accepts the tokens of every other. A
 * token carries no role: the role is looked up in the server's credentials on every request, so removing a
 * principal revokes its tokens at once.
 */
public final class TokenSigner {
  private static final String PREFIX = "ds1.";
  private static final Base64.Encoder B64 = Base64.getUrlEncoder().withoutPadding();
  private static final Base64.Decoder B64D = Base64.getUrlDecoder();

  private final SecretKeySpec key;
  private final Clock clock;

  /**
   * @param key the signing key (at least 16 bytes)
   * @param clock the clock expiry is measured against
   */
  public TokenSigner(byte[] key, Clock clock) {
    if (key.length < 16) {
      throw new IllegalArgumentException("The token signing key must have at least 16 bytes");
    }
    this.key = new SecretKeySpec(key.clone(), "HmacSHA256");
    this.clock = clock;
  }

  /** @return a signer with a random key: its tokens are accepted by this process only */
  public static TokenSigner random() {
    byte[] k = new byte[32];
    new SecureRandom().nextBytes(k);
    return new TokenSigner(k, Clock.systemUTC());
  }

  /**
   * @param principal the principal
   * @param ttlSeconds how long the token is valid
   * @return a new token
   */
  public String issue(Principal principal, long ttlSeconds) {
    long expiry = clock.instant().getEpochSecond() + ttlSeconds;
    String body = PREFIX + B64.encodeToString(principal.name().getBytes(StandardCharsets.UTF_8)) + "." + expiry;
    return body + "." + B64.encodeToString(mac(body));
  }

  /**
   * @param token a presented token
   * @return the principal name it was issued to, when its signature is right and it has not expired
   */
  public Optional<String> verify(String token) {
    if (token == null || !token.startsWith(PREFIX)) {
      return Optional.empty();
    }
    int lastDot = token.lastIndexOf('.');
    String body = token.substring(0, lastDot);
    byte[] signature;
    try {
      signature = B64D.decode(token.substring(lastDot + 1));
    } catch (IllegalArgumentException e) {
      return Optional.empty();
    }
    if (!MessageDigest.isEqual(signature, mac(body))) {
      return Optional.empty();
    }
    String[] parts = body.substring(PREFIX.length()).split("\\.");
    if (parts.length != 2) {
      return Optional.empty();
    }
    try {
      long expiry = Long.parseLong(parts[1]);
      if (clock.instant().getEpochSecond() >= expiry) {
        return Optional.empty();
      }
      return Optional.of(new String(B64D.decode(parts[0]), StandardCharsets.UTF_8));
    } catch (IllegalArgumentException e) {
      return Optional.empty();
    }
  }

  private byte[] mac(String body) {
    try {
      Mac m = Mac.getInstance("HmacSHA256");
      m.init(key);
      return m.doFinal(body.getBytes(StandardCharsets.UTF_8));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  @Override
  public String toString() {
    return "TokenSigner{HmacSHA256}";
  }
}
