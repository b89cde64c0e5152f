/**
 * Helpers over the type tree: field access through structs, projections, time conversions. Part of the API layer (docs/architecture.md, "Layers").
 */
package io.datashard.types;
