package io.datashard.storage;

/**
 * A file found by {@link StorageBackend#list(String)}.
 *
 * @param location absolute location
 * @param size length in bytes
 * @param lastModifiedMillis last modification time, epoch milliseconds
 */
public record FileInfo(String location, long size, long lastModifiedMillis) {
}
