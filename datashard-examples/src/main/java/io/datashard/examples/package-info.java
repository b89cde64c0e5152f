/** Runnable DataShard examples. */
package io.datashard.examples;
