package io.datashard.rest;

import io.datashard.DataShardException;

/**
 * The REST catalog refused a request: wrong or expired credentials (401), not allowed (403), or an endpoint it
 * does not offer. The message names the catalog and the operation, never a secret.
 */
public class CatalogAccessException extends DataShardException {
  private static final long serialVersionUID = 1L;

  public CatalogAccessException(String message, Throwable cause) {
    super(message, cause);
  }
}
