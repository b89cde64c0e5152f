/**
 * Scan planning (partition and metrics pruning) and reading.
 *
 * <p><b>Internal</b>: not part of DataShard's public API (docs/architecture.md, "Layers"); its classes may change in any release. Use the API in {@code io.datashard}.
 */
package io.datashard.scan;
