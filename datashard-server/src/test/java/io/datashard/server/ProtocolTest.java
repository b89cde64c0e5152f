package io.datashard.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.Map;
import org.apache.iceberg.CatalogProperties;
import org.apache.iceberg.DataFiles;
import org.apache.iceberg.PartitionSpec;
import org.apache.iceberg.Schema;
import org.apache.iceberg.Table;
import org.apache.iceberg.catalog.Namespace;
import org.apache.iceberg.catalog.TableIdentifier;
import org.apache.iceberg.rest.RESTCatalog;
import org.apache.iceberg.types.Types;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Protocol details beyond the conformance suite. */
class ProtocolTest {
  private static final Schema SCHEMA = new Schema(Types.NestedField.required(1, "id", Types.LongType.get()));

  @TempDir
  Path warehouse;
  private ServerFixture fixture;

  @BeforeEach
  void start() throws Exception {
    fixture = ServerFixture.start(Map.of(CatalogProperties.WAREHOUSE_LOCATION, warehouse.toString()));
  }

  @AfterEach
  void stop() throws Exception {
    fixture.close();
  }

  @Test
  void refsOnlyLoadingServesTheSameTable() throws Exception {
    try (RESTCatalog writer = fixture.writerClient("w", Map.of())) {
      writer.createNamespace(Namespace.of("ns"));
      Table t = writer.createTable(TableIdentifier.of("ns", "t"), SCHEMA);
      for (int i = 0; i < 3; i++) {
        t.newFastAppend().appendFile(DataFiles.builder(PartitionSpec.unpartitioned())
            .withPath(t.location() + "/data/f" + i + ".parquet").withFileSizeInBytes(10).withRecordCount(1).build())
            .commit();
      }
    }
    try (RESTCatalog refs = fixture.writerClient("refs", Map.of("snapshot-loading-mode", "refs"))) {
      Table t = refs.loadTable(TableIdentifier.of("ns", "t"));
      assertThat(t.snapshots()).hasSize(3); // the client loads the rest lazily with snapshots=all
    }
    assertThat(Http.get(fixture.server.uri(), "/v1/namespaces/ns/tables/t?snapshots=bogus",
        ServerFixture.WRITER_SECRET).statusCode()).isEqualTo(400);
  }
}
