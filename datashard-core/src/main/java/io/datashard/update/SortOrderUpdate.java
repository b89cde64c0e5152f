package io.datashard.update;

import io.datashard.Field;
import io.datashard.ReplaceSortOrder;
import io.datashard.SortOrder;
import io.datashard.ValidationException;
import io.datashard.commit.TableOperations;
import io.datashard.metadata.TableMetadata;
import java.util.ArrayList;
import java.util.List;

/** {@link ReplaceSortOrder} implementation: columns resolved against the latest schema at every attempt. */
public final class SortOrderUpdate implements ReplaceSortOrder {
  private record Key(String column, SortOrder.Direction direction, SortOrder.NullOrder nullOrder) {
  }

  private final TableOperations ops;
  private final List<Key> keys = new ArrayList<>();

  public SortOrderUpdate(TableOperations ops) {
    this.ops = ops;
  }

  @Override
  public ReplaceSortOrder asc(String column) {
    return asc(column, SortOrder.NullOrder.NULLS_FIRST);
  }

  @Override
  public ReplaceSortOrder asc(String column, SortOrder.NullOrder nullOrder) {
    keys.add(new Key(column, SortOrder.Direction.ASC, nullOrder));
    return this;
  }

  @Override
  public ReplaceSortOrder desc(String column) {
    return desc(column, SortOrder.NullOrder.NULLS_LAST);
  }

  @Override
  public ReplaceSortOrder desc(String column, SortOrder.NullOrder nullOrder) {
    keys.add(new Key(column, SortOrder.Direction.DESC, nullOrder));
    return this;
  }

  /** @return the order the keys describe on that metadata's schema (id 0 until committed) */
  static SortOrder resolve(TableMetadata m, List<Key> keys) {
    List<SortOrder.SortField> fields = new ArrayList<>();
    for (Key k : keys) {
      Field f = m.schema().findField(k.column());
      if (f == null) {
        throw new ValidationException("sort order: table has no column '" + k.column() + "'; columns: "
            + m.schema().columnNames());
      }
      fields.add(new SortOrder.SortField("identity", f.id(), k.direction(), k.nullOrder()));
    }
    return fields.isEmpty() ? SortOrder.UNSORTED : new SortOrder(Integer.MAX_VALUE, fields);
  }

  @Override
  public SortOrder commit() {
    TableMetadata start = ops.refresh();
    CommitLoop.Result r = CommitLoop.run(ops, start, "sort order update", (base, attempt) -> {
      SortOrder wanted = resolve(base, keys);
      if (base.sortOrder().sameOrderAs(wanted)) {
        return base;
      }
      return base.withDefaultSortOrder(wanted, Math.max(System.currentTimeMillis(), base.lastUpdatedMillis()));
    });
    return r.metadata().sortOrder();
  }
}
