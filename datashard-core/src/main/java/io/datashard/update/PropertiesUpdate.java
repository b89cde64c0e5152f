package io.datashard.update;

import io.datashard.UpdateProperties;
import io.datashard.ValidationException;
import io.datashard.commit.TableOperations;
import io.datashard.metadata.TableMetadata;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/** {@link UpdateProperties} implementation: one metadata commit, replayed on the latest version. */
public final class PropertiesUpdate implements UpdateProperties {
  private final TableOperations ops;
  private final Map<String, String> updates = new HashMap<>();
  private final Set<String> removals = new HashSet<>();

  public PropertiesUpdate(TableOperations ops) {
    this.ops = ops;
  }

  @Override
  public UpdateProperties set(String key, String value) {
    Objects.requireNonNull(key, "key");
    Objects.requireNonNull(value, "value");
    if (removals.contains(key)) {
      throw new ValidationException("property '" + key + "' is both set and removed");
    }
    io.datashard.TableProperties.requireValidBooleans(Map.of(key, value));
    updates.put(key, value);
    return this;
  }

  @Override
  public UpdateProperties remove(String key) {
    if (updates.containsKey(key)) {
      throw new ValidationException("property '" + key + "' is both set and removed");
    }
    removals.add(key);
    return this;
  }

  @Override
  public Map<String, String> commit() {
    TableMetadata start = ops.refresh();
    CommitLoop.Result r = CommitLoop.run(ops, start, "properties update", (base, attempt) -> {
      boolean unchanged = removals.stream().noneMatch(base.properties()::containsKey)
          && updates.entrySet().stream().allMatch(e -> e.getValue().equals(base.properties().get(e.getKey())));
      return unchanged ? base : base.withProperties(updates, removals,
          Math.max(System.currentTimeMillis(), base.lastUpdatedMillis()));
    });
    return r.metadata().properties();
  }
}
