/**
 * The change feed behind {@link io.datashard.Table#changes(Long, Long)}.
 *
 * <p><b>Internal</b>: not part of DataShard's public API (docs/architecture.md, "Layers"); its classes may change in any release. Use the API in {@code io.datashard}.
 */
package io.datashard.changes;
