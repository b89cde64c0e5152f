/**
 * The commit protocol: {@link io.datashard.commit.TableOperations} and its file-system implementation (exclusive creation of the next version file), version tombstones, retry policy.
 *
 * <p><b>Service-provider interface</b> for modules: {@link io.datashard.commit.TableOperations} (what a catalog module implements to commit). The other classes of this package are internal (docs/architecture.md, "Layers") and may change in any release.
 */
package io.datashard.commit;
