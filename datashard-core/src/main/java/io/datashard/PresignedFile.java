package io.datashard;

import java.net.URI;
import java.time.Instant;
import java.util.Objects;

/**
 * One file of a scan with a URL that reads it without credentials until {@link #expiresAt()}: an HTTPS (or, on a
 * plain-HTTP endpoint, HTTP) {@code GET} that DuckDB, pyarrow, a browser or {@code curl} can fetch as it is.
 * Returned by {@link Table#presignedFiles(TableScan, java.time.Duration)}.
 *
 * @param location the file's location in the table ({@code s3://bucket/key})
 * @param url the presigned {@code GET} URL; whoever holds it can read the file until it expires, so treat it as
 *     a secret
 * @param content what the file holds: {@link Content#DATA} rows, or row-level deletes the data files of the scan
 *     need ({@link Content#POSITION_DELETES}, {@link Content#EQUALITY_DELETES})
 * @param sizeInBytes the file's size, as recorded in the table's manifests
 * @param recordCount the rows in the file (for a delete file: the deletes it holds)
 * @param expiresAt when the URL stops working
 */
public record PresignedFile(String location, URI url, Content content, long sizeInBytes, long recordCount,
                            Instant expiresAt) {

  /** What a presigned file holds. */
  public enum Content {
    /** Rows of the table. */
    DATA,
    /** Positions of deleted rows in data files (Iceberg position deletes). */
    POSITION_DELETES,
    /** Values of deleted rows (Iceberg equality deletes). */
    EQUALITY_DELETES
  }

  /** Checks the fields. */
  public PresignedFile {
    Objects.requireNonNull(location, "location");
    Objects.requireNonNull(url, "url");
    Objects.requireNonNull(content, "content");
    Objects.requireNonNull(expiresAt, "expiresAt");
  }

  /** @return the location and expiry, never the URL (its query string is a credential) */
  @Override
  public String toString() {
    return "PresignedFile{" + location + ", " + content + ", " + sizeInBytes + " bytes, " + recordCount
        + " records, expires " + expiresAt + "}";
  }
}
