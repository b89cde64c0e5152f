package io.datashard.scan;

import io.datashard.Field;
import io.datashard.PartitionField;
import io.datashard.PartitionSpec;
import io.datashard.Schema;
import io.datashard.Type;
import io.datashard.transforms.Transform;
import io.datashard.transforms.Transforms;
import io.datashard.expressions.ContentStats;
import io.datashard.expressions.MapContentStats;
import io.datashard.metadata.Conversions;
import io.datashard.metadata.DataFile;
import io.datashard.metadata.ManifestFile;
import io.datashard.metadata.PartitionFieldSummary;
import java.util.List;

/**
 * Partition information seen as column statistics, so the metrics evaluator prunes manifests (by their
 * partition summaries) and data files (by their partition values) with the same rules as column bounds.
 *
 * <p>A partition value of an order-preserving transform stands for a range of its source column:
 * {@code day(ts) = 2024-03-05} means {@code ts} lies in that day, {@code truncate[10](x) = 20} means
 * {@code 20 <= x <= 29}, an identity value is the value itself (see {@link Transform#sourceRange}). Those ranges
 * become bounds of the source column; several partition fields on one column narrow them together. A null
 * partition value means a null source value. Bucket and void transforms say nothing about order and never
 * prune.
 */
final class PartitionStats extends MapContentStats {
  private PartitionStats(long rows) {
    super(rows);
  }

  /** @return whether the spec has any partition field this class can prune with */
  static boolean usable(PartitionSpec spec) {
    if (spec == null) {
      return false;
    }
    for (PartitionField f : spec.fields()) {
      if (rangeTransform(f) != null) {
        return true;
      }
    }
    return false;
  }

  private static Transform rangeTransform(PartitionField f) {
    try {
      Transform t = Transforms.fromName(f.transform());
      return t.preservesOrder() ? t : null;
    } catch (IllegalArgumentException e) {
      return null;
    }
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
      Transform t = rangeTransform(pf);
      if (t == null || source == null) {
        continue;
      }
      PartitionFieldSummary sum = summaries.get(i);
      int id = source.id();
      if (!sum.containsNull()) {
        s.nulls.put(id, 0L);
      } else {
        s.nulls.putIfAbsent(id, -1L);
      }
      boolean identity = "identity".equals(pf.transform());
      if (identity && source.type().isFloatingPoint()) {
        s.nans.put(id, Boolean.FALSE.equals(sum.containsNan()) ? 0L : -1L);
      }
      if (source.type().isFloatingPoint() && !Boolean.FALSE.equals(sum.containsNan())) {
        continue; // a NaN partition value makes the summary bounds unusable
      }
      try {
        Type partType = t.resultType(source.type());
        Object[] lo = sum.lowerBound() == null ? null
            : t.sourceRange(source.type(), Conversions.fromByteBuffer(partType, sum.lowerBound()));
        Object[] hi = sum.upperBound() == null ? null
            : t.sourceRange(source.type(), Conversions.fromByteBuffer(partType, sum.upperBound()));
        s.narrow(id, lo == null ? null : lo[0], hi == null ? null : hi[1]);
      } catch (RuntimeException e) {
        // unreadable summary: no bounds from it
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
      Transform t = rangeTransform(pf);
      if (t == null || source == null) {
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
        Object[] range = t.sourceRange(source.type(), v);
        if (range != null) {
          s.narrow(id, range[0], range[1]);
        }
      }
    }
    return s;
  }

  /** Intersects the known bounds of a column with [lo, hi] (either may be null: unknown). */
  @SuppressWarnings({"unchecked", "rawtypes"})
  private void narrow(int id, Object lo, Object hi) {
    if (lo != null) {
      Object cur = lower.get(id);
      if (cur == null || ((Comparable) lo).compareTo(cur) > 0) {
        lower.put(id, lo);
      }
    }
    if (hi != null) {
      Object cur = upper.get(id);
      if (cur == null || ((Comparable) hi).compareTo(cur) < 0) {
        upper.put(id, hi);
      }
    }
  }
}
