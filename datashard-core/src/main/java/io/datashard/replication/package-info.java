/**
 * Copying a table to another location or store by replaying its metadata versions with rewritten locations:
 * one-shot ({@link io.datashard.replication.TableMigration}, {@code datashard migrate}) and continuous
 * ({@link io.datashard.replication.Replication}, {@code datashard replicate}).
 *
 * <p><b>Public</b>: {@link io.datashard.replication.Replication} (returned by {@code Warehouse.replication}) and the
 * reports it returns. The other classes are internal (docs/architecture.md, "Layers").
 */
package io.datashard.replication;
