package io.datashard.metadata;

import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * An entry of the table metadata's {@code statistics} or {@code partition-statistics} list, written by another
 * engine (Puffin table statistics, partition statistics). DataShard does not interpret them; it carries each
 * entry forward exactly as written, drops it with its snapshot when that snapshot expires, and keeps its file
 * during orphan-file removal.
 *
 * @param snapshotId the snapshot the statistics describe
 * @param path the statistics file
 * @param json the whole entry as written (never modified; do not mutate)
 */
public record StatisticsFile(long snapshotId, String path, ObjectNode json) {
}
