package io.datashard.scan;

import io.datashard.Field;
import io.datashard.PartitionField;
import io.datashard.PartitionSpec;
import io.datashard.Schema;
import io.datashard.expressions.ContentStats;
import io.datashard.metadata.Conversions;
import io.datashard.metadata.DataFile;
import io.datashard.metadata.ManifestFile;
import io.datashard.metadata.PartitionFieldSummary;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Partition information seen as column statistics, so the metrics evaluator prunes manifests (by their
 * partition summaries) and data files (by their partition values) with the same rules as column bounds.
 *
 * <p>Only {@code identity} partition fields are used: an identity partition value is the source column's
 * value, so a summary's bounds are bounds of the source column. Other transforms ({@code day}, {@code bucket},
 * {@code truncate}...) need a projection of the predicate through the transform; they are reported as unknown
 * and never prune. This is the extension point for transform projection.
 */
final class PartitionStats implements ContentStats {
  private final long rows;
  private final Map<Integer, Object> lower = new HashMap<>();
  private final Map<Integer, Object> upper = new HashMap<>();
  private final Map<Integer, Long> nulls = new HashMap<>();
  private final Map<Integer, Long> nans = new HashMap<>();
  private final Map<Integer, Long> values = new HashMap<>();

  private PartitionStats(long rows) {
    this.rows = rows;
  }

  /** @return whether the spec has any partition field this class can prune with */
  static boolean usable(PartitionSpec spec) {
    if (spec == null) {
      return false;
    }
    for (PartitionField f : spec.fields()) {
      if ("identity".equals(f.transform())) {
        return true;
      }
    }
    return false;
  }

  /** @return stats of a manifest from its partition summaries, or null when the spec gives nothing to prune with */
  static ContentStats ofManifest(ManifestFile manifest, PartitionSpec spec, Schema schema) {
    List<PartitionFieldSummary> summaries = manifest.partitions();
    if (!usable(spec) || summaries.size() != spec.fields().size()) {
      return null;
    }
    PartitionStats s = new PartitionStats(-1);
    for (int i = 0; i < summaries.size(); i++) {
      PartitionField pf = spec.fields().get(i);
      Field source = schema.findField(pf.sourceId());
      if (!"identity".equals(pf.transform()) || source == null) {
        continue;
      }
      PartitionFieldSummary sum = summaries.get(i);
      int id = source.id();
      s.nulls.put(id, sum.containsNull() ? -1L : 0L);
      if (source.type().isFloatingPoint()) {
        s.nans.put(id, Boolean.FALSE.equals(sum.containsNan()) ? 0L : -1L);
      }
      try {
        if (sum.lowerBound() != null) {
          s.lower.put(id, Conversions.fromByteBuffer(source.type(), sum.lowerBound()));
        }
        if (sum.upperBound() != null) {
          s.upper.put(id, Conversions.fromByteBuffer(source.type(), sum.upperBound()));
        }
      } catch (RuntimeException e) {
        s.lower.remove(id);
        s.upper.remove(id);
      }
    }
    return s;
  }

  /** @return stats of a data file from its partition values, or null when the spec gives nothing to prune with */
  static ContentStats ofFile(DataFile file, PartitionSpec spec, Schema schema) {
    List<Object> partition = file.partition();
    if (!usable(spec) || partition.size() != spec.fields().size()) {
      return null;
    }
    PartitionStats s = new PartitionStats(file.recordCount());
    for (int i = 0; i < partition.size(); i++) {
      PartitionField pf = spec.fields().get(i);
      Field source = schema.findField(pf.sourceId());
      if (!"identity".equals(pf.transform()) || source == null) {
        continue;
      }
      int id = source.id();
      Object v = partition.get(i);
      s.values.put(id, file.recordCount());
      if (v == null) {
        s.nulls.put(id, file.recordCount());
        continue;
      }
      s.nulls.put(id, 0L);
      boolean nan = v instanceof Double && ((Double) v).isNaN() || v instanceof Float && ((Float) v).isNaN();
      if (source.type().isFloatingPoint()) {
        s.nans.put(id, nan ? file.recordCount() : 0L);
      }
      if (!nan) {
        s.lower.put(id, v);
        s.upper.put(id, v);
      }
    }
    return s;
  }

  @Override
  public long rowCount() {
    return rows;
  }

  @Override
  public long valueCount(int fieldId) {
    return values.getOrDefault(fieldId, -1L);
  }

  @Override
  public long nullCount(int fieldId) {
    return nulls.getOrDefault(fieldId, -1L);
  }

  @Override
  public long nanCount(int fieldId) {
    return nans.getOrDefault(fieldId, -1L);
  }

  @Override
  public Object lowerBound(int fieldId) {
    return lower.get(fieldId);
  }

  @Override
  public Object upperBound(int fieldId) {
    return upper.get(fieldId);
  }
}
