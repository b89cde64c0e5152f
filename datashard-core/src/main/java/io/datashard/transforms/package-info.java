/**
 * Partition transforms ({@code identity}, {@code bucket}, {@code truncate}, {@code year}/{@code month}/{@code day}/{@code hour}, {@code void}) as the Iceberg spec defines them. Part of the API layer (docs/architecture.md, "Layers").
 */
package io.datashard.transforms;
