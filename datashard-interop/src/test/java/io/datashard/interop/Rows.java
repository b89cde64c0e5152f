package io.datashard.interop;

import io.datashard.Field;
import io.datashard.update.TableInternals;
import io.datashard.Snapshot;
import io.datashard.Table;
import io.datashard.metadata.DataFile;
import io.datashard.metadata.ManifestEntry;
import io.datashard.metadata.ManifestFile;
import io.datashard.manifest.ManifestListReader;
import io.datashard.manifest.ManifestReader;
import java.nio.ByteBuffer;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import org.apache.iceberg.StaticTableOperations;
import org.apache.iceberg.data.IcebergGenerics;
import org.apache.iceberg.io.CloseableIterable;
import org.apache.iceberg.io.FileIO;

/** Puts rows read by DataShard and by other engines into one comparable form. */
final class Rows {
  private Rows() {
  }

  /** Values compare by content: bytes as hex, instants for timestamptz, strings for char sequences. */
  static Object canonical(Object v) {
    if (v == null) {
      return null;
    } else if (v instanceof ByteBuffer b) {
      ByteBuffer d = b.duplicate();
      byte[] bytes = new byte[d.remaining()];
      d.get(bytes);
      return "0x" + HexFormat.of().formatHex(bytes);
    } else if (v instanceof byte[] a) {
      return "0x" + HexFormat.of().formatHex(a);
    } else if (v instanceof OffsetDateTime o) {
      return o.toInstant();
    } else if (v instanceof CharSequence s) {
      return s.toString();
    } else if (v instanceof io.datashard.Row r) {
      List<Object> out = new ArrayList<>();
      for (int i = 0; i < r.schema().size(); i++) {
        Field f = r.schema().field(i);
        out.add(java.util.Arrays.asList(f.id(), f.name(), canonical(r.get(i))));
      }
      return out;
    } else if (v instanceof org.apache.iceberg.data.Record r) {
      List<Object> out = new ArrayList<>();
      for (org.apache.iceberg.types.Types.NestedField f : r.struct().fields()) {
        out.add(java.util.Arrays.asList(f.fieldId(), f.name(), canonical(r.getField(f.name()))));
      }
      return out;
    } else if (v instanceof java.util.Map<?, ?> m) {
      // maps compare as sets of entries: sorted, since neither engine promises an order
      List<List<Object>> entries = new ArrayList<>();
      m.forEach((k, val) -> entries.add(java.util.Arrays.asList(canonical(k), canonical(val))));
      entries.sort(Comparator.comparing(Object::toString));
      return java.util.Arrays.asList("map", entries);
    } else if (v instanceof List<?> l) {
      List<Object> out = new ArrayList<>(l.size());
      l.forEach(e -> out.add(canonical(e)));
      return out;
    }
    return v;
  }

  /** @return rows as lists of canonical values in schema order, sorted so that order of files does not matter */
  static List<List<Object>> sorted(List<List<Object>> rows) {
    List<List<Object>> out = new ArrayList<>(rows);
    out.sort(Comparator.comparing(Object::toString));
    return out;
  }

  static List<List<Object>> dataShard(Table table, Long snapshotId) {
    io.datashard.TableScan scan = table.scan();
    if (snapshotId != null) {
      scan = scan.useSnapshot(snapshotId);
    }
    // Keyed by field id, over each record's own schema: time travel reads a snapshot with the schema it was
    // written under (in both engines), and columns may have been renamed since.
    List<List<Object>> out = new ArrayList<>();
    for (io.datashard.Row r : scan.toList()) {
      List<Object> row = new ArrayList<>(r.schema().size());
      for (int i = 0; i < r.schema().size(); i++) {
        Field f = r.schema().field(i);
        row.add(java.util.Arrays.asList(f.id(), f.name(), canonical(r.get(i))));
      }
      out.add(row);
    }
    return sorted(out);
  }

  static List<List<Object>> iceberg(org.apache.iceberg.Table table, Long snapshotId) {
    IcebergGenerics.ScanBuilder b = IcebergGenerics.read(table);
    if (snapshotId != null) {
      b = b.useSnapshot(snapshotId);
    }
    List<List<Object>> out = new ArrayList<>();
    try (CloseableIterable<org.apache.iceberg.data.Record> it = b.build()) {
      for (org.apache.iceberg.data.Record r : it) {
        List<org.apache.iceberg.types.Types.NestedField> cols = r.struct().fields();
        List<Object> row = new ArrayList<>(cols.size());
        for (org.apache.iceberg.types.Types.NestedField f : cols) {
          if (org.apache.iceberg.MetadataColumns.isMetadataColumn(f.fieldId())) {
            continue; // _pos and friends, which Iceberg's reader adds when it applies position deletes
          }
          row.add(java.util.Arrays.asList(f.fieldId(), f.name(), canonical(r.getField(f.name()))));
        }
        out.add(row);
      }
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
    return sorted(out);
  }

  /** @return the metadata file DataShard's table is at */
  static String metadataLocation(Table table) {
    return TableInternals.of(table).metadata().metadataFileLocation();
  }

  /** Loads DataShard's current metadata file with Iceberg's own parser and table implementation. */
  static org.apache.iceberg.Table icebergTable(Table table, FileIO io) {
    return new org.apache.iceberg.BaseTable(new StaticTableOperations(metadataLocation(table), io), table.name());
  }

  /** @return DataShard's view of the live data files of a snapshot (its manifest list and manifests) */
  static List<ManifestEntry> liveEntries(Table table, Snapshot snapshot) {
    TableInternals t = TableInternals.of(table);
    List<ManifestEntry> out = new ArrayList<>();
    for (ManifestFile m : ManifestListReader.read(t.operations().storage(), snapshot.manifestListLocation())) {
      for (ManifestEntry e : ManifestReader.readAll(t.operations().storage(), m)) {
        if (e.isLive()) {
          out.add(e);
        }
      }
    }
    return out;
  }

  static List<DataFile> liveFiles(Table table, Snapshot snapshot) {
    return liveEntries(table, snapshot).stream().map(ManifestEntry::file).toList();
  }
}
