/**
 * The storage seam: {@link io.datashard.storage.StorageBackend} and the local-disk backend.
 *
 * <p><b>Service-provider interface</b> for modules: {@link io.datashard.storage.StorageBackend}, {@link io.datashard.storage.StorageBackendProvider}, {@link io.datashard.storage.InputFile}, {@link io.datashard.storage.OutputFile} and the stream and file-info types they use. The other classes of this package are internal (docs/architecture.md, "Layers") and may change in any release.
 */
package io.datashard.storage;
