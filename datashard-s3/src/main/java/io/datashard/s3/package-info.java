/**
 * S3 storage backend for DataShard: {@link io.datashard.s3.S3StorageBackend} configured by
 * {@link io.datashard.s3.S3Config}, chosen with {@code DATASHARD_STORAGE_TYPE=s3} through
 * {@link io.datashard.s3.S3StorageBackendProvider}. See docs/s3.md.
 */
package io.datashard.s3;
