package io.datashard.manifest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.datashard.CorruptMetadataException;
import io.datashard.PartitionSpec;
import io.datashard.metadata.ManifestFile;
import java.io.ByteArrayOutputStream;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.apache.avro.Schema;
import org.apache.avro.SchemaBuilder;
import org.apache.avro.file.DataFileWriter;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.generic.GenericRecord;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ManifestCorruptionTest {
  @TempDir
  Path dir;
  NioTestStorage storage;
  ManifestFile manifest;
  byte[] manifestBytes;
  ManifestListFile list;
  byte[] listBytes;

  @BeforeEach
  void setUp() {
    storage = new NioTestStorage(dir);
    try (ManifestWriter w = ManifestWriter.create(storage.newOutputFile(storage.location("m.avro")),
        PartitionSpec.unpartitioned(), ManifestRoundTripTest.WIDE, 1L)) {
      for (int i = 0; i < 20; i++) {
        w.add(ManifestRoundTripTest.fileWithAllStats("file:/d/" + i + ".parquet", 0, List.of()));
      }
      w.close();
      manifest = w.toManifestFile().withSequenceNumbers(1, 1);
    }
    manifestBytes = storage.readAll(manifest.location());
    list = ManifestListWriter.write(storage.newOutputFile(storage.location("l.avro")), 1L, null, 1L,
        List.of(manifest, manifest));
    listBytes = storage.readAll(list.location());
  }

  @Test
  void everyTruncationOfAManifestIsReported() {
    for (int cut = 0; cut < manifestBytes.length; cut++) {
      byte[] truncated = Arrays.copyOf(manifestBytes, cut);
      int at = cut;
      assertThatThrownBy(() -> {
        try (ManifestReader r = ManifestReader.open(truncated, manifest)) {
          while (r.hasNext()) {
            r.next();
          }
        }
      }).as("cut at %d of %d", at, manifestBytes.length).isInstanceOf(CorruptMetadataException.class)
          .hasMessageContaining(manifest.location());
    }
  }

  @Test
  void everyTruncationOfAManifestListIsReported() {
    int headerOnly = headerLength(listBytes);
    for (int cut = 0; cut < listBytes.length; cut++) {
      byte[] truncated = Arrays.copyOf(listBytes, cut);
      if (cut == headerOnly) {
        // Avro cannot tell a list cut right after its header from an empty list (a known limit, also
        // Iceberg's): it reads as no manifests.
        assertThat(ManifestListReader.read("file:/l.avro", truncated)).isEmpty();
        continue;
      }
      assertThatThrownBy(() -> ManifestListReader.read("file:/l.avro", truncated)).as("cut at %d", cut)
          .isInstanceOf(CorruptMetadataException.class).hasMessageContaining("file:/l.avro");
    }
  }

  @Test
  void truncatedFileOnStorageNamesTheFile() throws Exception {
    java.nio.file.Files.write(storage.path(manifest.location()), Arrays.copyOf(manifestBytes, manifestBytes.length - 40));
    assertThatThrownBy(() -> ManifestReader.readAll(storage.newInputFile(manifest.location()), manifest))
        .isInstanceOf(CorruptMetadataException.class)
        .satisfies(e -> assertThat(((CorruptMetadataException) e).file()).isEqualTo(manifest.location()));
  }

  @Test
  void garbageAndEmptyFilesAreReported() {
    assertThatThrownBy(() -> ManifestListReader.read("file:/x", new byte[0]))
        .isInstanceOf(CorruptMetadataException.class).hasMessageContaining("Avro");
    assertThatThrownBy(() -> ManifestListReader.read("file:/x", "{\"not\":\"avro\"}".getBytes()))
        .isInstanceOf(CorruptMetadataException.class).hasMessageContaining("file:/x");
    assertThatThrownBy(() -> ManifestReader.open(new byte[] {'O', 'b', 'j', 1, 9, 9}, manifest))
        .isInstanceOf(CorruptMetadataException.class);
  }

  @Test
  void aManifestListIsNotAManifestAndViceVersa() {
    assertThatThrownBy(() -> ManifestReader.open(listBytes, manifest))
        .isInstanceOf(CorruptMetadataException.class).hasMessageContaining("field-id");
    assertThatThrownBy(() -> ManifestListReader.read("file:/m", manifestBytes))
        .isInstanceOf(CorruptMetadataException.class).hasMessageContaining("field-id 500");
  }

  @Test
  void wrongSchemaAndMistypedValuesAreReported() throws Exception {
    Schema other = SchemaBuilder.record("x").fields().requiredString("a").endRecord();
    GenericData.Record r = new GenericData.Record(other);
    r.put("a", "b");
    assertThatThrownBy(() -> ManifestListReader.read("file:/o", avro(other, List.of(r))))
        .isInstanceOf(CorruptMetadataException.class).hasMessageContaining("not a manifest list");

    // ids in the right places, but file_path is an int
    Schema entry = new Schema.Parser().parse(ManifestSchemas.entrySchema(PartitionSpec.unpartitioned(),
        ManifestRoundTripTest.WIDE).toString().replace("\"name\":\"file_path\",\"type\":\"string\"",
        "\"name\":\"file_path\",\"type\":\"int\""));
    GenericData.Record df = new GenericData.Record(entry.getField("data_file").schema());
    df.put("content", 0);
    df.put("file_path", 5);
    df.put("file_format", "PARQUET");
    df.put("partition", new GenericData.Record(df.getSchema().getField("partition").schema()));
    df.put("record_count", 1L);
    df.put("file_size_in_bytes", 1L);
    GenericData.Record e = new GenericData.Record(entry);
    e.put("status", 1);
    e.put("data_file", df);
    ManifestFile one = new ManifestFile("file:/bad", 1, 0, 0, 1, 1, 1, 1, 0, 0, 1, 0, 0, List.of());
    assertThatThrownBy(() -> {
      try (ManifestReader reader = ManifestReader.open(avro(entry, List.of(e)), one)) {
        reader.next();
      }
    }).isInstanceOf(CorruptMetadataException.class).hasMessageContaining("mistyped");
  }

  @Test
  void entryCountDifferentFromTheListIsReported() {
    ManifestFile claimsMore = new ManifestFile(manifest.location(), manifest.length(), 0, 0, 1, 1, 1,
        manifest.addedFilesCount() + 1, 0, 0, 0, 0, 0, List.of());
    assertThatThrownBy(() -> ManifestReader.readAll(storage, claimsMore))
        .isInstanceOf(CorruptMetadataException.class).hasMessageContaining("counts");
  }

  /** @return the length of the Avro header (magic, metadata, sync marker) of a file */
  static int headerLength(byte[] file) {
    // Every block, and so the file, ends with the 16-byte sync marker that also closes the header.
    byte[] sync = Arrays.copyOfRange(file, file.length - 16, file.length);
    for (int i = 4; i + 16 <= file.length; i++) {
      if (Arrays.equals(Arrays.copyOfRange(file, i, i + 16), sync)) {
        return i + 16;
      }
    }
    throw new AssertionError("no sync marker");
  }

  static byte[] avro(Schema schema, List<GenericRecord> rows) throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (DataFileWriter<GenericRecord> w = new DataFileWriter<>(new GenericDatumWriter<>(schema))) {
      w.create(schema, out);
      for (GenericRecord r : rows) {
        w.append(r);
      }
    }
    return out.toByteArray();
  }
}
