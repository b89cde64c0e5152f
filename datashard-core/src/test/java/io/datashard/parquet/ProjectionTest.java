package io.datashard.parquet;

import static io.datashard.Field.optional;
import static io.datashard.Field.required;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.datashard.CorruptMetadataException;
import io.datashard.Schema;
import io.datashard.Types;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ProjectionTest {
  @TempDir
  Path dir;

  private static final Schema WRITTEN = Schema.of(
      required(1, "id", Types.LONG),
      optional(2, "payload", Types.STRING),
      optional(3, "score", Types.DOUBLE),
      optional(4, "small", Types.INT),
      optional(5, "f", Types.FLOAT));

  private TestLocalStorage storage;
  private String location;
  private final List<Object[]> rows = new ArrayList<>();

  @BeforeEach
  void write() {
    storage = new TestLocalStorage(dir);
    location = dir.resolve("p.parquet").toString();
    java.util.Random rnd = new java.util.Random(42);
    for (int i = 0; i < 5000; i++) {
      StringBuilder payload = new StringBuilder();
      for (int k = 0; k < 200; k++) {
        payload.append((char) ('a' + rnd.nextInt(26)));
      }
      rows.add(new Object[] {(long) i, payload.toString(), i / 3.0, i % 5 == 0 ? null : i, (float) i});
    }
    ParquetTestSupport.write(storage, location, WRITTEN, ParquetOptions.defaults(), rows);
  }

  @Test
  void subsetInAnyOrder() {
    Schema projection = Schema.of(optional(3, "score", Types.DOUBLE), required(1, "id", Types.LONG));
    List<Object[]> back = ParquetTestSupport.readAll(storage, location, projection);
    assertThat(back).hasSize(rows.size());
    for (int i = 0; i < rows.size(); i++) {
      assertThat(back.get(i)).containsExactly(rows.get(i)[2], rows.get(i)[0]);
    }
  }

  @Test
  void columnsMatchByIdSoRenamesReadAndMissingColumnsAreNull() {
    Schema projection = Schema.of(
        optional(9, "added_later", Types.STRING),
        required(1, "renamed_id", Types.LONG),
        optional(4, "small_widened", Types.LONG), // int promoted to long
        optional(5, "f_widened", Types.DOUBLE), // float promoted to double
        optional(2, "id", Types.STRING)); // a name that belongs to another id in the file
    List<Object[]> back = ParquetTestSupport.readAll(storage, location, projection);
    assertThat(back).hasSize(rows.size());
    for (int i = 0; i < rows.size(); i++) {
      Object[] r = rows.get(i);
      Object small = r[3] == null ? null : (long) (Integer) r[3];
      assertThat(back.get(i)).containsExactly(null, r[0], small, (double) (Float) r[4], r[1]);
    }
  }

  @Test
  void projectionOfOnlyMissingColumnsGivesAllNullRows() {
    Schema projection = Schema.of(optional(42, "nothing", Types.INT));
    List<Object[]> back = ParquetTestSupport.readAll(storage, location, projection);
    assertThat(back).hasSize(rows.size()).allSatisfy(r -> assertThat(r).containsExactly((Object) null));
  }

  @Test
  void unprojectedColumnsAreNotRead() {
    long payloadSize;
    try (DataFileReader r = DataFileReader.open(storage.newInputFile(location), WRITTEN)) {
      payloadSize = r.rowGroups().stream().flatMap(b -> b.getColumns().stream())
          .filter(c -> c.getPath().toDotString().equals("payload")).mapToLong(c -> c.getTotalSize()).sum();
    }
    assertThat(payloadSize).isGreaterThan(500_000); // random text does not compress much

    storage.bytesRead.set(0);
    ParquetTestSupport.readAll(storage, location, Schema.of(required(1, "id", Types.LONG)));
    long narrow = storage.bytesRead.get();

    storage.bytesRead.set(0);
    ParquetTestSupport.readAll(storage, location, WRITTEN);
    long wide = storage.bytesRead.get();

    assertThat(narrow).isLessThan(payloadSize / 5);
    assertThat(wide).isGreaterThan(payloadSize);
  }

  @Test
  void incompatibleTypeIsReportedWithFileAndColumn() {
    Schema projection = Schema.of(optional(2, "payload", Types.LONG));
    assertThatThrownBy(() -> ParquetTestSupport.readAll(storage, location, projection))
        .isInstanceOf(CorruptMetadataException.class)
        .hasMessageContaining(location)
        .hasMessageContaining("payload");
  }

  @Test
  void rowGroupsCanBeSkippedByFooterMetadata() {
    String multi = dir.resolve("multi.parquet").toString();
    ParquetTestSupport.write(storage, multi, WRITTEN, ParquetOptions.defaults().withRowGroupSizeBytes(64 * 1024),
        rows);
    Schema projection = Schema.of(required(1, "id", Types.LONG));
    try (DataFileReader r = DataFileReader.open(storage.newInputFile(multi), projection)) {
      assertThat(r.rowGroups()).hasSizeGreaterThan(2);
      // every row group but the last is cut near the 64 KiB target (sizes as buffered: encoded, uncompressed)
      for (var block : r.rowGroups().subList(0, r.rowGroups().size() - 1)) {
        assertThat(block.getTotalByteSize()).as("row group size").isBetween(32L * 1024, 96L * 1024);
      }
      long firstCount = r.rowGroups().get(0).getRowCount();
      long firstStart = r.rowGroups().get(0).getStartingPos();
      List<Long> ids = new ArrayList<>();
      try (var it = r.iterator(b -> b.getStartingPos() != firstStart)) {
        it.forEachRemaining(rec -> ids.add((Long) rec.get("id")));
      }
      assertThat(ids).hasSize((int) (rows.size() - firstCount));
      assertThat(ids.get(0)).isEqualTo(firstCount);
    }
  }

  @Test
  void filesWithoutFieldIdsAreMatchedByName() throws Exception {
    org.apache.parquet.schema.MessageType noIds = org.apache.parquet.schema.MessageTypeParser.parseMessageType(
        "message m { required int64 id; optional binary name (STRING); }");
    Path path = dir.resolve("foreign.parquet");
    try (var w = org.apache.parquet.hadoop.example.ExampleParquetWriter
        .builder(new org.apache.parquet.io.LocalOutputFile(path)).withType(noIds)
        .withConf(HadoopConf.shared()).build()) {
      var factory = new org.apache.parquet.example.data.simple.SimpleGroupFactory(noIds);
      w.write(factory.newGroup().append("id", 7L).append("name", "seven"));
    }
    Schema projection = Schema.of(optional(5, "name", Types.STRING), required(9, "id", Types.LONG));
    assertThat(ParquetTestSupport.readAll(storage, path.toString(), projection))
        .containsExactly(new Object[] {"seven", 7L});
  }
}
