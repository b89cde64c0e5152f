/**
 * Puffin files (Iceberg's blob container) as far as table data needs them: the {@code deletion-vector-v1} blobs of
 * format version 3, in which a data file's deleted row positions are stored as a portable 64-bit Roaring bitmap.
 * See docs/format.md, "Deletion vectors".
 */
package io.datashard.puffin;
