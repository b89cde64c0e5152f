package io.datashard.server;

import java.util.Objects;

/**
 * An authenticated caller: a name and a role. Holds no secret.
 *
 * @param name the principal's name (the OAuth2 {@code client_id})
 * @param role what it may do
 */
public record Principal(String name, Role role) {
  /** The principal of every request when authentication is switched off ({@code --insecure-no-auth}). */
  public static final Principal ANONYMOUS = new Principal("anonymous", Role.READ_WRITE);

  /** Checks the fields. */
  public Principal {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(role, "role");
  }
}
