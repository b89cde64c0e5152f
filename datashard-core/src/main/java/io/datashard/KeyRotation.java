package io.datashard;

/**
 * The outcome of {@link Table#rotateMasterKey(String)}.
 *
 * @param snapshot the {@code replace} snapshot holding the re-wrapped data keys, or the current one when no file
 *     needed re-wrapping
 * @param rewrappedFiles how many data files' keys were re-wrapped
 */
public record KeyRotation(Snapshot snapshot, int rewrappedFiles) {
}
