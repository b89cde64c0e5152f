/**
 * Row filters: build them with {@link io.datashard.expressions.Expressions}. Part of the API layer (docs/architecture.md, "Layers"); the binding and evaluation classes next to it serve scans.
 */
package io.datashard.expressions;
