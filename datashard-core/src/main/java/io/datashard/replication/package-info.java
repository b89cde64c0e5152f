/**
 * Copying a table to another location or store by replaying its metadata versions with rewritten locations:
 * one-shot ({@link io.datashard.replication.TableMigration}, {@code datashard migrate}) and continuous
 * ({@link io.datashard.replication.Replication}, {@code datashard replicate}).
 */
package io.datashard.replication;
