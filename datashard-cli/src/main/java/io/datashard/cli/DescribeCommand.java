package io.datashard.cli;

import io.datashard.Field;
import io.datashard.PartitionField;
import io.datashard.PartitionSpec;
import io.datashard.Schema;
import io.datashard.Snapshot;
import io.datashard.Table;
import io.datashard.Warehouse;
import io.datashard.commit.MetadataFiles;
import io.datashard.manifest.ManifestListReader;
import io.datashard.manifest.ManifestReader;
import io.datashard.metadata.ManifestEntry;
import io.datashard.metadata.ManifestFile;
import io.datashard.metadata.TableMetadata;
import io.datashard.storage.FileInfo;
import io.datashard.storage.StorageBackend;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

@Command(name = "describe", mixinStandardHelpOptions = true,
    description = "Show a table's schema, partitioning, properties, snapshots, sizes and file counts.")
final class DescribeCommand extends TableCommand {
  @Parameters(index = "0", paramLabel = "TABLE", description = "Table name")
  String table;

  @Override
  public Integer call() {
    try (Warehouse wh = warehouse()) {
      Table t = wh.loadTable(table);
      TableMetadata m = metadata(t);
      StorageBackend storage = ((io.datashard.table.BaseTable) t).operations().storage();
      PrintStream out = out();
      out.println("Table        " + t.name());
      out.println("Location     " + t.location());
      out.println("UUID         " + m.tableUuid());
      out.println("Format       Iceberg v" + m.formatVersion() + ", metadata version " + m.version());
      Snapshot cur = t.currentSnapshot();
      out.println("Current      " + (cur == null ? "no snapshot (empty table)"
          : "snapshot " + cur.snapshotId() + " (" + cur.operation() + ", " + cur.timestamp() + ")"));
      out.println("Snapshots    " + t.snapshots().size());
      out.println();
      out.println("Schema (id " + m.currentSchemaId() + ")");
      printSchema(out, t.schema());
      out.println();
      out.println("Partitioning " + partitioning(t.schema(), t.spec()));
      out.println();
      out.println("Properties");
      if (t.properties().isEmpty()) {
        out.println("  (none)");
      }
      for (Map.Entry<String, String> e : t.properties().entrySet()) {
        out.println("  " + e.getKey() + " = " + e.getValue());
      }
      out.println();
      long dataFiles = 0;
      long deleteFiles = 0;
      long dataBytes = 0;
      long rows = 0;
      long manifests = 0;
      long manifestBytes = 0;
      if (cur != null) {
        List<ManifestFile> list = ManifestListReader.read(storage, cur.manifestListLocation());
        for (ManifestFile mf : list) {
          manifests++;
          manifestBytes += mf.length();
          for (ManifestEntry e : ManifestReader.readAll(storage, mf)) {
            if (e.isLive() && mf.content() != ManifestFile.CONTENT_DATA) {
              deleteFiles++;
            } else if (e.isLive()) {
              dataFiles++;
              dataBytes += e.file().fileSizeInBytes();
              rows += e.file().recordCount();
            }
          }
        }
      }
      long versions = 0;
      long versionBytes = 0;
      for (FileInfo f : storage.list(MetadataFiles.metadataDir(t.location()))) {
        if (MetadataFiles.parseVersion(f.location()) > 0) {
          versions++;
          versionBytes += f.size();
        }
      }
      List<FileInfo> all = storage.list(t.location());
      long allBytes = all.stream().mapToLong(FileInfo::size).sum();
      out.println("Current snapshot");
      out.println("  rows           " + (deleteFiles == 0 ? String.valueOf(rows) : t.rowCount() + " (" + rows
          + " in data files, less the rows " + deleteFiles + " delete files written by another engine delete)"));
      out.println("  data files     " + dataFiles + " (" + humanBytes(dataBytes) + ")");
      out.println("  manifests      " + manifests + " (" + humanBytes(manifestBytes) + ")");
      out.println("Storage (all snapshots and metadata)");
      out.println("  metadata versions " + versions + " (" + humanBytes(versionBytes) + ")");
      out.println("  files under the table location " + all.size() + " (" + humanBytes(allBytes) + ")");
    }
    return 0;
  }

  /** Prints the columns as a tree: nested fields, list elements and map keys and values indented under them. */
  static void printSchema(PrintStream out, Schema schema) {
    List<String[]> lines = new ArrayList<>();
    for (Field f : schema.fields()) {
      tree(f, "", lines);
    }
    int w = 4;
    int tw = 6;
    for (String[] l : lines) {
      w = Math.max(w, l[1].length());
      tw = Math.max(tw, Math.min(l[2].length(), 14));
    }
    for (String[] l : lines) {
      out.println(String.format("  %3s  %-" + w + "s  %-" + tw + "s %s", l[0], l[1], l[2], l[3]).stripTrailing());
    }
  }

  private static void tree(Field f, String indent, List<String[]> lines) {
    io.datashard.Type t = f.type();
    String type = t.isPrimitive() ? t.toString() : t.id().name().toLowerCase(java.util.Locale.ROOT);
    lines.add(new String[] {String.valueOf(f.id()), indent + f.name(), type,
        (f.isRequired() ? "required" : "optional") + (f.doc() == null ? "" : "  -- " + f.doc())});
    if (t.isStruct()) {
      for (Field c : t.asStruct().fields()) {
        tree(c, indent + "  ", lines);
      }
    } else if (t.isList()) {
      tree(t.asList().elementField(), indent + "  ", lines);
    } else if (t.isMap()) {
      tree(t.asMap().keyField(), indent + "  ", lines);
      tree(t.asMap().valueField(), indent + "  ", lines);
    }
  }

  static String partitioning(Schema schema, PartitionSpec spec) {
    if (spec.isUnpartitioned()) {
      return "none (unpartitioned)";
    }
    List<String> terms = new ArrayList<>();
    for (PartitionField pf : spec.fields()) {
      String col = schema.findColumnName(pf.sourceId());
      col = col == null ? "#" + pf.sourceId() : col;
      terms.add(pf.transform().equals("identity") ? col : pf.transform() + "(" + col + ")");
    }
    return String.join(", ", terms);
  }
}
