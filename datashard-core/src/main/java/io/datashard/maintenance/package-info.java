/**
 * Table maintenance: work that keeps a table's storage tidy without changing what it contains.
 *
 * <p>{@link io.datashard.maintenance.RemoveOrphanFiles} reclaims files no committed version references: the
 * leftovers of writers that crashed, lost their connection, or gave up with an unknown commit outcome. Reach
 * it through {@link io.datashard.Table#removeOrphanFiles()}.
 */
package io.datashard.maintenance;
