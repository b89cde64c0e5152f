package io.datashard.metadata;

/**
 * A previous metadata file of a table, as kept in the {@code metadata-log}.
 *
 * @param timestampMillis when that version was committed
 * @param file its location
 */
public record MetadataLogEntry(long timestampMillis, String file) {
}
