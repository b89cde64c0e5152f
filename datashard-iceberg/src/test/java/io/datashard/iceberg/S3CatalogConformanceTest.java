package io.datashard.iceberg;

import io.datashard.s3.S3ProxyExtension;
import io.datashard.s3.S3ProxyServer;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Disabled;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Apache Iceberg's catalog conformance suite against {@link DataShardCatalog} on S3 (an in-process S3Proxy), each
 * test in a fresh prefix, configured only through catalog properties as an engine would.
 */
class S3CatalogConformanceTest extends CatalogConformance {
  @RegisterExtension
  static final S3ProxyExtension server = new S3ProxyExtension();

  /** @return catalog properties for a fresh warehouse prefix on the running S3Proxy */
  static Map<String, String> s3Properties(S3ProxyServer s3, String prefix) {
    return s3.catalogProperties(s3.endpoint(), prefix);
  }

  @Override
  protected Map<String, String> warehouseProperties() {
    return s3Properties(server.server(), "conformance-" + UUID.randomUUID());
  }

  /** The suite moves the metadata file with java.nio on the local file system; on S3 there is no such path. */
  @Test
  @Disabled("moves a metadata file with java.nio.file: local disk only (it passes in LocalCatalogConformanceTest)")
  @Override
  public void testLoadTableWithMissingMetadataFile(@TempDir java.nio.file.Path tempDir) {
  }
}
