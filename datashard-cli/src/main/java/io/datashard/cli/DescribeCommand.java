package io.datashard.cli;

import io.datashard.Field;
import io.datashard.ListType;
import io.datashard.MapType;
import io.datashard.PartitionField;
import io.datashard.PartitionSpec;
import io.datashard.Schema;
import io.datashard.Snapshot;
import io.datashard.StructType;
import io.datashard.Table;
import io.datashard.TypeVisitor;
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
      StorageBackend storage = io.datashard.update.TableInternals.of(t).operations().storage();
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
      lines.addAll(tree(f));
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

  /** One line per field, children indented under their struct, list or map (pre-order). */
  private static List<String[]> tree(Field column) {
    return TypeVisitor.visit(column, new TypeVisitor<List<String[]>>() {
      private int depth = -1;

      @Override
      public void enter(Field field) {
        depth++;
      }

      @Override
      public void leave(Field field) {
        depth--;
      }

      @Override
      public List<String[]> schema(Schema schema, List<List<String[]>> columns) {
        throw new IllegalStateException("visits one column");
      }

      @Override
      public List<String[]> struct(Field field, StructType struct, List<List<String[]>> fields) {
        return withChildren(field, fields);
      }

      @Override
      public List<String[]> list(Field field, ListType list, List<String[]> element) {
        return withChildren(field, List.of(element));
      }

      @Override
      public List<String[]> map(Field field, MapType map, List<String[]> key, List<String[]> value) {
        return withChildren(field, List.of(key, value));
      }

      @Override
      public List<String[]> primitive(Field field) {
        return withChildren(field, List.of());
      }

      private List<String[]> withChildren(Field f, List<List<String[]>> children) {
        io.datashard.Type t = f.type();
        String type = t.isPrimitive() ? t.toString() : t.id().name().toLowerCase(java.util.Locale.ROOT);
        List<String[]> lines = new ArrayList<>();
        lines.add(new String[] {String.valueOf(f.id()), "  ".repeat(depth) + f.name(), type,
            (f.isRequired() ? "required" : "optional") + (f.doc() == null ? "" : "  -- " + f.doc())});
        children.forEach(lines::addAll);
        return lines;
      }
    });
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
