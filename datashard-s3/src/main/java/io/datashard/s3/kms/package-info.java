/**
 * AWS KMS as the key-management service of DataShard's client-side encryption: {@link
 * io.datashard.s3.kms.AwsKmsClient}, selected from the environment with {@code DATASHARD_KMS=aws}
 * (docs/encryption.md).
 */
package io.datashard.s3.kms;
