/**
 * The implementations of {@link io.datashard.Table}, {@link io.datashard.Appender} and {@link io.datashard.Transaction}, and group commit.
 *
 * <p><b>Internal</b>: not part of DataShard's public API (docs/architecture.md, "Layers"); its classes may change in any release. Use the API in {@code io.datashard}.
 */
package io.datashard.table;
