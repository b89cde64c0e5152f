package io.datashard.rest;

import static org.assertj.core.api.Assertions.assertThat;

import io.datashard.Snapshot;
import io.datashard.metadata.TableMetadata;
import io.datashard.storage.LocalStorageBackend;
import java.nio.file.Path;
import java.util.Map;
import org.apache.iceberg.PartitionSpec;
import org.apache.iceberg.Schema;
import org.apache.iceberg.TableMetadataParser;
import org.apache.iceberg.exceptions.CommitFailedException;
import org.apache.iceberg.io.FileIO;
import org.apache.iceberg.io.LocationProvider;
import org.apache.iceberg.types.Types;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The commit outcomes of {@link RestTableOperations}, with Iceberg's REST table operations replaced by a double. */
class RestTableOperationsTest {
  @TempDir
  Path dir;

  /** A catalog that answers 409 to every commit, after applying it when {@code applyFirst} is set. */
  static final class Answers409 implements org.apache.iceberg.TableOperations {
    final boolean applyFirst;
    org.apache.iceberg.TableMetadata current;
    int version = 1;

    Answers409(String location, boolean applyFirst) {
      this.applyFirst = applyFirst;
      org.apache.iceberg.TableMetadata m = org.apache.iceberg.TableMetadata.newTableMetadata(
          new Schema(Types.NestedField.required(1, "id", Types.LongType.get())), PartitionSpec.unpartitioned(),
          location, Map.of("format-version", "2"));
      this.current = TableMetadataParser.fromJson(location + "/metadata/v1.metadata.json", TableMetadataParser.toJson(m));
    }

    @Override
    public org.apache.iceberg.TableMetadata current() {
      return current;
    }

    @Override
    public org.apache.iceberg.TableMetadata refresh() {
      return current;
    }

    @Override
    public void commit(org.apache.iceberg.TableMetadata base, org.apache.iceberg.TableMetadata metadata) {
      if (applyFirst) {
        version++;
        current = TableMetadataParser.fromJson(current.location() + "/metadata/v" + version + ".metadata.json",
            TableMetadataParser.toJson(metadata));
      }
      throw new CommitFailedException("Requirement failed: branch main has changed");
    }

    @Override
    public FileIO io() {
      return null;
    }

    @Override
    public String metadataFileLocation(String fileName) {
      return null;
    }

    @Override
    public LocationProvider locationProvider() {
      return null;
    }
  }

  private TableMetadata commitOneSnapshot(RestTableOperations ops) {
    TableMetadata base = ops.current();
    Snapshot s = new Snapshot(42L, null, base.lastSequenceNumber() + 1, System.currentTimeMillis(),
        ops.tableLocation() + "/metadata/snap-42-1-x.avro", Map.of("operation", "append"), base.currentSchemaId());
    return ops.commit(base, base.withNewCurrentSnapshot(s));
  }

  @Test
  void a409WhoseCommitLandedIsACommitNotALostRace() {
    String location = "file:" + dir.toAbsolutePath();
    RestTableOperations ops = new RestTableOperations("t", "http://127.0.0.1:1", new Answers409(location, true),
        new LocalStorageBackend(dir, false));
    TableMetadata committed = commitOneSnapshot(ops);
    assertThat(committed).isNotNull();
    assertThat(committed.currentSnapshot().snapshotId()).isEqualTo(42L);
    assertThat(committed.version()).isEqualTo(2);
  }

  @Test
  void a409WithoutOurSnapshotIsALostRace() {
    String location = "file:" + dir.toAbsolutePath();
    RestTableOperations ops = new RestTableOperations("t", "http://127.0.0.1:1", new Answers409(location, false),
        new LocalStorageBackend(dir, false));
    assertThat(commitOneSnapshot(ops)).isNull();
  }

  @Test
  void aRefreshThatFindsTheSameVersionKeepsItAndOneThatFindsANewOneConvertsIt() {
    String location = "file:" + dir.toAbsolutePath();
    Answers409 catalog = new Answers409(location, false);
    RestTableOperations ops = new RestTableOperations("t", "http://127.0.0.1:1", catalog,
        new LocalStorageBackend(dir, false));
    TableMetadata first = ops.current();
    assertThat(ops.refresh()).isSameAs(first);
    // Another writer commits: the catalog names a new metadata file.
    Snapshot s = new Snapshot(7L, null, first.lastSequenceNumber() + 1, System.currentTimeMillis(),
        location + "/metadata/snap-7-1-x.avro", Map.of("operation", "append"), first.currentSchemaId());
    catalog.current = TableMetadataParser.fromJson(location + "/metadata/v2.metadata.json",
        new String(io.datashard.metadata.TableMetadataParser.toJson(first.withNewCurrentSnapshot(s)),
            java.nio.charset.StandardCharsets.UTF_8));
    TableMetadata second = ops.refresh();
    assertThat(second).isNotSameAs(first);
    assertThat(second.version()).isEqualTo(2);
    assertThat(second.currentSnapshot().snapshotId()).isEqualTo(7L);
    assertThat(ops.refresh()).isSameAs(second);
  }
}
