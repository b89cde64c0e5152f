package io.datashard.server;

import io.datashard.s3.S3ProxyExtension;
import java.nio.file.Path;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Disabled;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Apache Iceberg's catalog conformance suite through the REST server on S3 (an in-process S3Proxy), each test in a
 * fresh prefix.
 */
class S3RestConformanceTest extends RestConformance {
  @RegisterExtension
  static final S3ProxyExtension s3 = new S3ProxyExtension();

  @Override
  protected Map<String, String> warehouseProperties() {
    return ServerFixture.s3(s3.server(), "rest-conformance-" + UUID.randomUUID());
  }

  /** The suite moves the metadata file with java.nio on the local file system; on S3 there is no such path. */
  @Test
  @Disabled("moves a metadata file with java.nio.file: local disk only (it passes in LocalRestConformanceTest)")
  @Override
  public void testLoadTableWithMissingMetadataFile(@TempDir Path tempDir) {
  }

  private static final String CLIENT_WRITES_AT_REQUESTED_LOCATION = "Iceberg's REST client builds a replace "
      + "transaction locally at the requested location (file:/tmp/...) and writes its manifests there before the "
      + "server sees the commit; the S3 client's FileIO cannot write a file: path. The server keeps the table at its "
      + "folder either way; both tests pass in LocalRestConformanceTest. See docs/catalog.md";

  @Test
  @Disabled(CLIENT_WRITES_AT_REQUESTED_LOCATION)
  @Override
  public void testCompleteReplaceTransaction() {
  }

  @Test
  @Disabled(CLIENT_WRITES_AT_REQUESTED_LOCATION)
  @Override
  public void testCompleteCreateOrReplaceTransactionReplace() {
  }
}
