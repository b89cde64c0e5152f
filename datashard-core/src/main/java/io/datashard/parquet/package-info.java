/**
 * Parquet data files: schema mapping with field ids, the writer, the projecting reader, metrics.
 *
 * <p><b>Internal</b>: not part of DataShard's public API (docs/architecture.md, "Layers"); its classes may change in any release. Use the API in {@code io.datashard}.
 */
package io.datashard.parquet;
