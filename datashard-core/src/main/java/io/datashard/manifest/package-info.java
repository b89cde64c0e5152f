/**
 * Iceberg v2 manifests and manifest lists as Avro files that Apache Iceberg's own readers accept.
 *
 * <p>Writing: {@link io.datashard.manifest.ManifestWriter} writes one manifest per partition spec and returns
 * its {@link io.datashard.metadata.ManifestFile} with sequence numbers
 * {@link io.datashard.manifest.ManifestWriter#UNASSIGNED_SEQ}; {@link io.datashard.manifest.ManifestListWriter}
 * assigns the snapshot's sequence number (and id) to such manifests when it writes a snapshot's list, so a
 * commit retry rewrites only the list. Both use Avro's deflate codec and the schemas of
 * {@link io.datashard.manifest.ManifestSchemas} (Iceberg's record names, field ids, map encoding).
 *
 * <p>Reading: {@link io.datashard.manifest.ManifestListReader} and
 * {@link io.datashard.manifest.ManifestReader} project by field id, apply v2 inheritance, and raise
 * {@link io.datashard.CorruptMetadataException} naming the file for anything damaged.
 *
 * <p><b>Internal</b>: not part of DataShard's public API (docs/architecture.md, "Layers"); its classes may change in any release. Use the API in {@code io.datashard}.
 */
package io.datashard.manifest;
