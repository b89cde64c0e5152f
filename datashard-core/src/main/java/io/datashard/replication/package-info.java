/** Copying a table between storage backends by replaying its metadata with rewritten locations. */
package io.datashard.replication;
