package io.datashard.server;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The principals the server knows and their secrets. A secret is accepted two ways: directly as a bearer token
 * ({@code Authorization: Bearer <secret>}), and as the OAuth2 {@code client_secret} of {@code client_id=<name>} at
 * {@code POST /v1/oauth/tokens}. Only SHA-256 digests of the secrets are kept; {@link #toString()} names principals
 * only.
 *
 * <p>File format ({@code --token-file}), one principal per line, {@code #} starts a comment:
 * <pre>
 * # name      role        secret
 * etl         read-write  s3cr3t-etl-token
 * dashboards  read-only   s3cr3t-dash-token
 * </pre>
 */
public final class Credentials {
  private final Map<String, Entry> byName;
  private final Map<String, Principal> byDigest;

  private record Entry(Principal principal, byte[] digest) {
  }

  private Credentials(Map<String, Entry> byName) {
    this.byName = Collections.unmodifiableMap(byName);
    Map<String, Principal> d = new HashMap<>();
    byName.values().forEach(e -> d.put(hex(e.digest()), e.principal()));
    this.byDigest = Collections.unmodifiableMap(d);
  }

  /** @return a builder of credentials */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * Reads a token file (format in the class comment).
   *
   * @param file the file
   * @return its credentials
   * @throws IOException when it cannot be read
   * @throws IllegalArgumentException for a malformed line (the message names the line number, never its secret)
   */
  public static Credentials load(Path file) throws IOException {
    Builder b = builder();
    List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
    for (int i = 0; i < lines.size(); i++) {
      String line = lines.get(i);
      int hash = line.indexOf('#');
      if (hash >= 0) {
        line = line.substring(0, hash);
      }
      line = line.strip();
      if (line.isEmpty()) {
        continue;
      }
      String[] parts = line.split("\\s+");
      if (parts.length != 3) {
        throw new IllegalArgumentException(file + " line " + (i + 1) + ": expected 'name role secret'");
      }
      try {
        b.add(parts[0], Role.parse(parts[1]), parts[2]);
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException(file + " line " + (i + 1) + ": " + e.getMessage(), e);
      }
    }
    return b.build();
  }

  /**
   * @param token a bearer token
   * @return the principal whose secret it is
   */
  public Optional<Principal> bySecret(String token) {
    return Optional.ofNullable(byDigest.get(hex(digest(token))));
  }

  /**
   * @param name a principal's name
   * @param secret the secret it presents
   * @return the principal, when the secret is its own (compared in constant time)
   */
  public Optional<Principal> verify(String name, String secret) {
    Entry e = byName.get(name);
    if (e == null || secret == null || !MessageDigest.isEqual(e.digest(), digest(secret))) {
      return Optional.empty();
    }
    return Optional.of(e.principal());
  }

  /**
   * @param name a principal's name
   * @return the principal as currently configured
   */
  public Optional<Principal> principal(String name) {
    Entry e = byName.get(name);
    return e == null ? Optional.empty() : Optional.of(e.principal());
  }

  /** @return the number of principals */
  public int size() {
    return byName.size();
  }

  private static byte[] digest(String secret) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(secret.getBytes(StandardCharsets.UTF_8));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  private static String hex(byte[] b) {
    StringBuilder sb = new StringBuilder(b.length * 2);
    for (byte x : b) {
      sb.append(Character.forDigit((x >> 4) & 0xf, 16)).append(Character.forDigit(x & 0xf, 16));
    }
    return sb.toString();
  }

  @Override
  public String toString() {
    List<String> names = new ArrayList<>();
    byName.values().forEach(e -> names.add(e.principal().name() + "(" + e.principal().role() + ")"));
    return "Credentials" + names;
  }

  /** Collects principals. */
  public static final class Builder {
    private final Map<String, Entry> byName = new HashMap<>();

    private Builder() {
    }

    /**
     * @param name the principal's name (its OAuth2 client id): letters, digits, {@code _ - . @}
     * @param role its role
     * @param secret its secret, at least 16 characters
     * @return this builder
     */
    public Builder add(String name, Role role, String secret) {
      if (name == null || !name.matches("[A-Za-z0-9_.@-]{1,128}")) {
        throw new IllegalArgumentException("Invalid principal name: letters, digits, _ - . @ (1-128)");
      }
      if (secret == null || secret.length() < 16) {
        throw new IllegalArgumentException("The secret of principal " + name + " is shorter than 16 characters");
      }
      if (byName.containsKey(name)) {
        throw new IllegalArgumentException("Principal " + name + " is given twice");
      }
      byName.put(name, new Entry(new Principal(name, role), digest(secret)));
      return this;
    }

    /** @return the credentials */
    public Credentials build() {
      return new Credentials(new HashMap<>(byName));
    }
  }
}
