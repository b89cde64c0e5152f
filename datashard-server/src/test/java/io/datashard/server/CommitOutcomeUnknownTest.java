package io.datashard.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.datashard.iceberg.DataShardCatalog;
import io.datashard.storage.CommitOutcomeUnknownException;
import io.datashard.storage.CountingStorageBackend;
import io.datashard.storage.LocalStorageBackend;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.iceberg.DataFile;
import org.apache.iceberg.DataFiles;
import org.apache.iceberg.PartitionSpec;
import org.apache.iceberg.Schema;
import org.apache.iceberg.Table;
import org.apache.iceberg.catalog.Namespace;
import org.apache.iceberg.catalog.TableIdentifier;
import org.apache.iceberg.exceptions.CommitStateUnknownException;
import org.apache.iceberg.rest.RESTCatalog;
import org.apache.iceberg.types.Types;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * When the store cannot say whether a version file was created, the server answers the spec's "commit state
 * unknown" (500, {@code CommitStateUnknownException}), so Iceberg's client neither retries nor deletes files a
 * landed commit could reference.
 */
class CommitOutcomeUnknownTest {
  @TempDir
  Path warehouse;

  /** Every create of a table's v2 reports an unknown outcome (and does not happen) while {@code failing} is set. */
  static final class UnknownOutcomes extends CountingStorageBackend {
    final AtomicBoolean failing = new AtomicBoolean();

    UnknownOutcomes(Path root) {
      super(new LocalStorageBackend(root, false));
    }

    @Override
    public boolean createExclusive(String location, byte[] content) {
      if (failing.get() && location.endsWith("/metadata/v2.metadata.json")) {
        throw new CommitOutcomeUnknownException("injected: connection reset while creating " + location, null);
      }
      return super.createExclusive(location, content);
    }
  }

  @Test
  void anUndecidableCommitIs500CommitStateUnknown() throws Exception {
    UnknownOutcomes storage = new UnknownOutcomes(warehouse);
    try (DataShardCatalog catalog = new DataShardCatalog("datashard", storage, Map.of());
         DataShardServer server = DataShardServer.builder().catalog(catalog).port(0).insecureNoAuth().build().start();
         RESTCatalog client = new RESTCatalog()) {
      client.initialize("rest", Map.of("uri", server.uri().toString(), "warehouse", warehouse.toString(),
          "io-impl", "io.datashard.iceberg.StorageFileIO", "datashard.use-environment", "false"));
      client.createNamespace(Namespace.of("ns"));
      TableIdentifier id = TableIdentifier.of("ns", "t");
      Table t = client.createTable(id, new Schema(Types.NestedField.required(1, "id", Types.LongType.get())));
      DataFile file = DataFiles.builder(PartitionSpec.unpartitioned())
          .withPath(t.location() + "/data/f.parquet").withFileSizeInBytes(10).withRecordCount(1).build();

      storage.failing.set(true);
      assertThatThrownBy(() -> t.newFastAppend().appendFile(file).commit())
          .isInstanceOf(CommitStateUnknownException.class);
      assertThat(server.metrics().text()).contains("datashard_server_commit_unknown_total 1");

      storage.failing.set(false);
      assertThat(client.loadTable(id).currentSnapshot()).isNull(); // this injected failure did not apply it
    }
  }
}
