package io.datashard.server;

import java.util.Locale;
import java.util.Optional;
import org.apache.iceberg.exceptions.NotAuthorizedException;

/**
 * Decides who a request comes from: a configured secret presented as a bearer token, or a token this server (or
 * another server with the same signing key) issued through the OAuth2 client-credentials flow. With authentication
 * switched off every request is {@link Principal#ANONYMOUS}.
 */
public final class Authenticator {
  private final Credentials credentials;
  private final TokenSigner signer;
  private final long tokenTtlSeconds;

  private Authenticator(Credentials credentials, TokenSigner signer, long tokenTtlSeconds) {
    this.credentials = credentials;
    this.signer = signer;
    this.tokenTtlSeconds = tokenTtlSeconds;
  }

  /**
   * @param credentials the principals
   * @param signer signs and checks issued tokens
   * @param tokenTtlSeconds lifetime of an issued token
   * @return an authenticator that requires a token on every request but {@code /healthz} and the token endpoint
   */
  public static Authenticator of(Credentials credentials, TokenSigner signer, long tokenTtlSeconds) {
    if (tokenTtlSeconds <= 0) {
      throw new IllegalArgumentException("token lifetime must be positive");
    }
    return new Authenticator(credentials, signer, tokenTtlSeconds);
  }

  /** @return an authenticator that lets everyone in as {@link Principal#ANONYMOUS} (read-write) */
  public static Authenticator insecure() {
    return new Authenticator(null, null, 0);
  }

  /** @return whether requests need a token */
  public boolean enabled() {
    return credentials != null;
  }

  /** @return lifetime of issued tokens, seconds */
  public long tokenTtlSeconds() {
    return tokenTtlSeconds;
  }

  /**
   * @param authorization the {@code Authorization} header, or null
   * @return the principal
   * @throws NotAuthorizedException when the header is missing or the token is not valid (the message never repeats
   *     the token)
   */
  public Principal authenticate(String authorization) {
    if (!enabled()) {
      return Principal.ANONYMOUS;
    }
    if (authorization == null || authorization.isBlank()) {
      throw new NotAuthorizedException("Not authorized: a bearer token is required");
    }
    String h = authorization.strip();
    if (h.length() < 7 || !h.substring(0, 7).toLowerCase(Locale.ROOT).equals("bearer ")) {
      throw new NotAuthorizedException("Not authorized: only bearer tokens are accepted");
    }
    return byToken(h.substring(7).strip())
        .orElseThrow(() -> new NotAuthorizedException("Not authorized: the token is not valid or has expired"));
  }

  /**
   * @param token a token
   * @return its principal, when it is a configured secret or a valid issued token of a configured principal
   */
  public Optional<Principal> byToken(String token) {
    if (!enabled() || token == null || token.isEmpty()) {
      return Optional.empty();
    }
    Optional<String> issuedTo = signer.verify(token);
    if (issuedTo.isPresent()) {
      return credentials.principal(issuedTo.get());
    }
    return credentials.bySecret(token);
  }

  /**
   * The client-credentials grant.
   *
   * @param clientId the principal's name
   * @param clientSecret its secret
   * @return a new token, when the secret is right
   */
  public Optional<String> clientCredentials(String clientId, String clientSecret) {
    if (!enabled() || clientId == null) {
      return Optional.empty();
    }
    return credentials.verify(clientId, clientSecret).map(p -> signer.issue(p, tokenTtlSeconds));
  }

  /**
   * @param principal a principal already authenticated
   * @return a fresh token for it (token exchange / refresh)
   */
  public String issue(Principal principal) {
    return signer.issue(principal, tokenTtlSeconds);
  }

  @Override
  public String toString() {
    return enabled() ? "Authenticator{" + credentials + ", ttl=" + tokenTtlSeconds + "s}" : "Authenticator{off}";
  }
}
