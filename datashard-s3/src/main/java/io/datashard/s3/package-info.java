/** S3 storage backend for DataShard (see the S3 issue). */
package io.datashard.s3;
