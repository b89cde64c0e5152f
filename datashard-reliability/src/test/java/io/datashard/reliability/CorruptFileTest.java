package io.datashard.reliability;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.datashard.CorruptMetadataException;
import io.datashard.DataShardException;
import io.datashard.Table;
import io.datashard.TestSchemas;
import io.datashard.Warehouse;
import io.datashard.commit.MetadataFiles;
import io.datashard.metadata.ManifestEntry;
import io.datashard.metadata.ManifestFile;
import io.datashard.storage.StorageBackend;
import io.datashard.table.TableHandle;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.function.Function;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Damaged files, end to end through the Table API on local disk and S3: the error names the file and what is
 * wrong, and a scan never returns a silently shorter result. A damaged hint is healed.
 */
class CorruptFileTest {
  @TempDir
  Path dir;

  enum Target { METADATA, MANIFEST_LIST, MANIFEST, DATA }

  enum Damage { TRUNCATE, GARBAGE, EMPTY }

  private static String file(TableHandle t, Target target) {
    String list = t.currentSnapshot().manifestListLocation();
    ManifestFile manifest = t.files().manifests(list).get(0);
    return switch (target) {
      case METADATA -> t.metadata().metadataFileLocation();
      case MANIFEST_LIST -> list;
      case MANIFEST -> manifest.location();
      case DATA -> {
        List<ManifestEntry> entries = t.files().entries(manifest);
        yield entries.get(0).file().location();
      }
    };
  }

  private static byte[] damage(byte[] content, Damage d) {
    return switch (d) {
      case TRUNCATE -> Arrays.copyOf(content, content.length * 2 / 3);
      case GARBAGE -> {
        byte[] b = content.clone();
        for (int i = b.length / 3; i < b.length * 2 / 3; i++) {
          b[i] = (byte) (i * 31 + 7);
        }
        yield b;
      }
      case EMPTY -> new byte[0];
    };
  }

  @ParameterizedTest(name = "{0}: {1} {2}")
  @CsvSource({
      "local, METADATA, TRUNCATE", "local, METADATA, GARBAGE", "local, METADATA, EMPTY",
      "local, MANIFEST_LIST, TRUNCATE", "local, MANIFEST_LIST, GARBAGE", "local, MANIFEST_LIST, EMPTY",
      "local, MANIFEST, TRUNCATE", "local, MANIFEST, GARBAGE", "local, MANIFEST, EMPTY",
      "local, DATA, TRUNCATE", "local, DATA, GARBAGE", "local, DATA, EMPTY",
      "s3, METADATA, TRUNCATE", "s3, MANIFEST_LIST, TRUNCATE", "s3, MANIFEST, GARBAGE", "s3, DATA, TRUNCATE"})
  void damagedFileIsNamedAndNeverReadShort(String kind, Target target, Damage damage) {
    try (Backend backend = Backend.of(kind, dir); Warehouse wh = backend.warehouse()) {
      Table created = wh.createTable("t", TestSchemas.EVENTS);
      for (int i = 0; i < 3; i++) {
        created.appendRecords(StressWorker.rows(0, i, 200));
      }
      TableHandle t = (TableHandle) wh.loadTable("t");
      String victim = file(t, target);
      StorageBackend storage = wh.storage();
      storage.writeAll(victim, damage(storage.readAll(victim), damage));
      String name = victim.substring(victim.lastIndexOf('/') + 1);

      Function<Warehouse, List<?>> readAll = w -> w.loadTable("t").scan().toList();
      try (Warehouse fresh = backend.warehouse()) {
        assertThatThrownBy(() -> readAll.apply(fresh))
            .as("reading a table with a damaged %s", target)
            .isInstanceOf(DataShardException.class)
            .hasMessageContaining(name)
            .satisfies(e -> {
              if (target != Target.DATA) {
                assertThat(e).isInstanceOf(CorruptMetadataException.class);
                assertThat(((CorruptMetadataException) e).file()).endsWith(name);
              }
            });
      }
    }
  }

  @ParameterizedTest(name = "{0}: hint {1}")
  @CsvSource({"local, garbage", "local, empty", "local, past-the-end", "local, zero", "s3, garbage", "s3, past-the-end"})
  void damagedHintIsHealed(String kind, String how) {
    try (Backend backend = Backend.of(kind, dir); Warehouse wh = backend.warehouse()) {
      Table t = wh.createTable("t", TestSchemas.EVENTS);
      t.appendRecords(StressWorker.rows(0, 0, 2));
      t.appendRecords(StressWorker.rows(0, 1, 2));
      String hint = MetadataFiles.hintFile(t.location());
      String content = switch (how) {
        case "garbage" -> "\u0000\u00ffnot a number";
        case "empty" -> "";
        case "past-the-end" -> "999";
        default -> "0";
      };
      wh.storage().writeAll(hint, content.getBytes(StandardCharsets.UTF_8));
      try (Warehouse fresh = backend.warehouse()) {
        Table loaded = fresh.loadTable("t");
        assertThat(loaded.snapshots()).hasSize(2);
        assertThat(loaded.scan().toList()).hasSize(4);
      }
      assertThat(new String(wh.storage().readAll(hint), StandardCharsets.UTF_8)).isEqualTo("3");
    }
  }
}
