/**
 * Operations that produce snapshots or update metadata on one base version, and retry on a lost race.
 *
 * <p><b>Internal</b>: not part of DataShard's public API (docs/architecture.md, "Layers"); its classes may change in any release. Use the API in {@code io.datashard}.
 */
package io.datashard.update;
