/**
 * Client-side encryption of data files (docs/encryption.md).
 *
 * <p><b>Service-provider interface</b> for modules: {@link io.datashard.encryption.KeyManagementClient} and {@code KeyManagementProvider} (a key-management service), {@link io.datashard.encryption.Pkcs12KeyStore}, {@link io.datashard.encryption.EncryptionSettings} (the table properties), {@link io.datashard.encryption.KeyManagementException}. The other classes of this package are internal (docs/architecture.md, "Layers") and may change in any release.
 */
package io.datashard.encryption;
