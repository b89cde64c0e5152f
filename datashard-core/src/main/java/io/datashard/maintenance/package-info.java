/**
 * Table maintenance: work that keeps a table's storage tidy without changing what it contains.
 *
 * <p>{@link io.datashard.maintenance.OrphanFileRemoval} (behind {@link io.datashard.RemoveOrphanFiles}) reclaims files no committed version references: the
 * leftovers of writers that crashed, lost their connection, or gave up with an unknown commit outcome. Reach
 * it through {@link io.datashard.Table#removeOrphanFiles()}.
 *
 * <p><b>Internal</b>: not part of DataShard's public API (docs/architecture.md, "Layers"); its classes may change in any release. Use the API in {@code io.datashard}.
 */
package io.datashard.maintenance;
