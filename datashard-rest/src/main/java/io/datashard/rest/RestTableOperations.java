package io.datashard.rest;

import io.datashard.TableNotFoundException;
import io.datashard.commit.TableOperations;
import io.datashard.metadata.MetadataDelta;
import io.datashard.metadata.TableMetadata;
import io.datashard.storage.CommitOutcomeUnknownException;
import io.datashard.storage.StorageBackend;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.iceberg.Snapshot;
import org.apache.iceberg.SnapshotParser;
import org.apache.iceberg.SnapshotRef;
import org.apache.iceberg.StatisticsFile;
import org.apache.iceberg.TableMetadataParser;
import org.apache.iceberg.exceptions.CommitFailedException;
import org.apache.iceberg.exceptions.CommitStateUnknownException;
import org.apache.iceberg.exceptions.NoSuchTableException;
import org.apache.iceberg.exceptions.RESTException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@link TableOperations} on an Iceberg REST catalog: refresh is a load-table request, and a commit is an
 * update-table request carrying the change between base and updated metadata as the REST specification's
 * updates ({@code add-snapshot}, {@code set-snapshot-ref}, {@code remove-snapshots}, {@code add-schema},
 * {@code set-current-schema}, {@code add-spec}, {@code set-default-spec}, {@code set-default-sort-order},
 * {@code set-properties}, {@code remove-properties}, statistics) with the requirements Iceberg derives from them
 * ({@code assert-table-uuid} always, {@code assert-ref-snapshot-id} for every ref moved, the schema/spec/sort-order
 * assertions for those changes).
 *
 * <p>Outcomes map onto the seam's contract: 409 (a requirement failed: another writer committed first) returns
 * null, so {@link io.datashard.update.CommitLoop} rebuilds on the new base and retries within the table's retry
 * settings; a 5xx or a broken connection during the commit raises {@link CommitOutcomeUnknownException}, which the
 * loop resolves by reloading the table and looking for its snapshot id.
 *
 * <p>Metadata is converted through JSON (DataShard's and Iceberg's parsers read and write the same Iceberg
 * table-metadata format), so nothing DataShard does not model is lost. A commit converts as little as it can: its
 * base is usually the version this handle last received, whose Iceberg form it keeps, and a change confined to
 * snapshots, references and properties ({@link MetadataDelta}: an append, an overwrite, a tag) becomes updates
 * without converting the updated version whole (docs/catalog.md, "The library on a REST catalog").
 */
final class RestTableOperations implements TableOperations {
  private static final Logger LOG = LoggerFactory.getLogger(RestTableOperations.class);
  private static final Pattern VERSION = Pattern.compile("^v?(\\d+)[-.]");

  private final String name;
  private final String catalogUri;
  private final org.apache.iceberg.TableOperations rest;
  private final StorageBackend storage;
  private final String location;
  /** The latest metadata this handle knows, in both models (the Iceberg one as the catalog client holds it). */
  private volatile Known known;

  /** One version in DataShard's model and in Iceberg's, converted from the other. */
  private record Known(TableMetadata datashard, org.apache.iceberg.TableMetadata iceberg) {
  }

  RestTableOperations(String name, String catalogUri, org.apache.iceberg.TableOperations rest,
      StorageBackend storage) {
    this.name = name;
    this.catalogUri = catalogUri;
    this.rest = rest;
    this.storage = storage;
    this.location = stripSlash(rest.current().location());
    this.known = known(rest.current(), 0);
  }

  private static Known known(org.apache.iceberg.TableMetadata iceberg, int previousVersion) {
    return new Known(toDataShard(iceberg, previousVersion), iceberg);
  }

  private static String stripSlash(String s) {
    return s.endsWith("/") ? s.substring(0, s.length() - 1) : s;
  }

  @Override
  public StorageBackend storage() {
    return storage;
  }

  @Override
  public String tableName() {
    return name;
  }

  @Override
  public String tableLocation() {
    return location;
  }

  @Override
  public TableMetadata current() {
    return known.datashard();
  }

  @Override
  public synchronized TableMetadata refresh() {
    Known before = known;
    TableMetadata previous = before.datashard();
    org.apache.iceberg.TableMetadata loaded;
    try {
      loaded = RestTableCatalog.call(catalogUri, "load table " + name, rest::refresh);
    } catch (NoSuchTableException e) {
      throw new TableNotFoundException(name, catalogUri, "table '" + name + "' no longer exists in REST catalog "
          + catalogUri);
    } catch (IllegalStateException e) {
      // Iceberg's client refuses a table whose uuid changed: dropped and created again.
      throw new TableNotFoundException(name, catalogUri, "table '" + name + "' was dropped and created again "
          + "since this handle loaded it; load it again to use the new table");
    }
    if (loaded == before.iceberg()) {
      // Iceberg's client keeps its metadata object while the catalog names the same metadata file: nothing changed,
      // and converting the same version again (O(snapshots), on every scan) is skipped.
      return previous;
    }
    Known k = known(loaded, previous.version());
    known = k;
    return k.datashard();
  }

  @Override
  public synchronized TableMetadata commit(TableMetadata base, TableMetadata updated) {
    Known k = known;
    // The usual base is the latest this handle knows: its Iceberg form is the client's own, unconverted.
    org.apache.iceberg.TableMetadata iceBase = k.datashard() == base ? k.iceberg()
        : toIceberg(base, base.metadataFileLocation());
    org.apache.iceberg.TableMetadata next = updates(iceBase, base, updated);
    try {
      RestTableCatalog.call(catalogUri, "commit to table " + name, () -> {
        // Transport failures are decided here, inside: RestTableCatalog.call would turn them into a plain error,
        // and a plain error makes the operation delete its manifests, which a commit that did land references.
        try {
          rest.commit(iceBase, next);
        } catch (CommitStateUnknownException | RESTException | java.io.UncheckedIOException e) {
          if (e instanceof org.apache.iceberg.exceptions.CleanableFailure) {
            throw e; // refused before anything was done (401, 403, 400, 503): a definite failure, named by call()
          }
          throw notSentOrUnknown(e);
        }
        return null;
      });
    } catch (CommitFailedException e) {
      return conflict(base, updated, e);
    }
    org.apache.iceberg.TableMetadata answered = rest.current();
    TableMetadata asSent = asSent(answered, next, updated, base.version());
    Known committed = asSent != null ? new Known(asSent, answered) : known(answered, base.version());
    known = committed;
    return committed.datashard();
  }

  /**
   * The catalog's answer to a commit is, nearly always, exactly the change this handle sent applied to its base: then
   * the updated metadata this handle built is the committed version, and only the catalog's file, commit time,
   * snapshot log and metadata log are taken from the answer (the logs carry the catalog's clock: a rollback's
   * snapshot-log entry has its commit time), instead of converting the whole answer (O(snapshots), through JSON)
   * into DataShard's model. Anything else (the server grouped other commits into the version, moved this append onto
   * a newer head, or changed anything the change did not) converts the answer.
   *
   * @param answered the catalog's answer, in Iceberg's model
   * @param sent the change applied to the base by Iceberg's own metadata builder, as the catalog applies it
   * @param updated the same change in DataShard's model
   * @return {@code updated} as the catalog published it, or null when the answer is not exactly what was sent
   */
  static TableMetadata asSent(org.apache.iceberg.TableMetadata answered, org.apache.iceberg.TableMetadata sent,
      TableMetadata updated, int previousVersion) {
    if (answered.metadataFileLocation() == null || !sameContent(answered, sent)
        || updated.formatVersion() != sent.formatVersion() || !Objects.equals(updated.tableUuid(), sent.uuid())
        || updated.lastSequenceNumber() != sent.lastSequenceNumber()
        || !Objects.equals(updated.currentSnapshotId(), sent.currentSnapshot() == null ? null
            : sent.currentSnapshot().snapshotId())
        || updated.snapshots().size() != sent.snapshots().size()
        || updated.snapshotLog().size() != sent.snapshotLog().size()
        || !updated.properties().equals(sent.properties()) || !updated.refs().keySet().equals(sent.refs().keySet())
        || updated.formatVersion() >= 3 && !Objects.equals(updated.nextRowId(), sent.nextRowId())) {
      return null;
    }
    for (int i = 0; i < sent.snapshots().size(); i++) {
      if (updated.snapshots().get(i).snapshotId() != sent.snapshots().get(i).snapshotId()) {
        return null;
      }
    }
    List<io.datashard.HistoryEntry> history = new ArrayList<>(answered.snapshotLog().size());
    answered.snapshotLog().forEach(e -> history.add(new io.datashard.HistoryEntry(e.timestampMillis(),
        e.snapshotId())));
    List<io.datashard.metadata.MetadataLogEntry> log = new ArrayList<>(answered.previousFiles().size());
    answered.previousFiles().forEach(e -> log.add(new io.datashard.metadata.MetadataLogEntry(e.timestampMillis(),
        e.file())));
    String file = answered.metadataFileLocation();
    return updated.withCatalogFile(file, versionOf(file, previousVersion), answered.lastUpdatedMillis(), history,
        log);
  }

  /** Whether two versions in Iceberg's model hold the same table apart from their file, commit time and log. */
  private static boolean sameContent(org.apache.iceberg.TableMetadata a, org.apache.iceberg.TableMetadata b) {
    if (a.formatVersion() != b.formatVersion() || !Objects.equals(a.uuid(), b.uuid()) || !a.location().equals(b.location())
        || a.lastSequenceNumber() != b.lastSequenceNumber() || a.lastColumnId() != b.lastColumnId()
        || a.currentSchemaId() != b.currentSchemaId() || a.schemas().size() != b.schemas().size()
        || a.defaultSpecId() != b.defaultSpecId() || a.specs().size() != b.specs().size()
        || a.lastAssignedPartitionId() != b.lastAssignedPartitionId()
        || a.defaultSortOrderId() != b.defaultSortOrderId() || a.sortOrders().size() != b.sortOrders().size()
        || !a.properties().equals(b.properties()) || !a.refs().equals(b.refs())
        || a.snapshots().size() != b.snapshots().size() || a.snapshotLog().size() != b.snapshotLog().size()
        || !a.statisticsFiles().stream().map(StatisticsFile::path).toList()
            .equals(b.statisticsFiles().stream().map(StatisticsFile::path).toList())
        || !a.partitionStatisticsFiles().stream().map(f -> f.path()).toList()
            .equals(b.partitionStatisticsFiles().stream().map(f -> f.path()).toList())
        || a.encryptionKeys().size() != b.encryptionKeys().size()
        || a.formatVersion() >= 3 && a.nextRowId() != b.nextRowId()) {
      return false;
    }
    for (int i = 0; i < a.snapshots().size(); i++) {
      Snapshot x = a.snapshots().get(i);
      Snapshot y = b.snapshots().get(i);
      if (x.snapshotId() != y.snapshotId() || x.sequenceNumber() != y.sequenceNumber()
          || !Objects.equals(x.parentId(), y.parentId())
          || !Objects.equals(x.manifestListLocation(), y.manifestListLocation())) {
        return false;
      }
    }
    return true;
  }

  /**
   * A commit that failed in transport or with a server error: a definite failure only when the request never left
   * (the connection was refused), an unknown outcome otherwise (a 500, a broken connection, no answer in time, an
   * unreadable answer: the catalog may have published the commit), which the commit loop resolves by looking for the
   * snapshot. (Answers that Iceberg marks as refused before any change, {@code CleanableFailure}, never get here.)
   */
  private RuntimeException notSentOrUnknown(RuntimeException e) {
    for (Throwable c = e; c != null; c = c.getCause()) {
      if (c instanceof java.net.ConnectException) {
        return new io.datashard.DataShardException("REST catalog " + catalogUri + " failed to commit to table " + name
            + ": could not connect, nothing was sent (" + c.getMessage() + ")", e);
      }
    }
    return new CommitOutcomeUnknownException("table " + name + ": REST catalog " + catalogUri + " did not say "
        + "whether the commit took effect (" + e.getMessage() + (e.getCause() == null ? "" : ", " + e.getCause())
        + ")", e);
  }

  /**
   * A 409 is normally a lost race. But an HTTP client may resend a commit whose first attempt landed (Iceberg's
   * retries 503s), and the resend then fails its requirements: before treating a 409 as a lost race (whose files
   * the operation would delete), look for the snapshots this commit adds.
   *
   * @return the latest metadata when the commit is found there, else null (a lost race)
   */
  private TableMetadata conflict(TableMetadata base, TableMetadata updated, CommitFailedException e) {
    Set<Long> added = new HashSet<>();
    updated.snapshots().forEach(s -> added.add(s.snapshotId()));
    base.snapshots().forEach(s -> added.remove(s.snapshotId()));
    if (!added.isEmpty()) {
      TableMetadata latest;
      try {
        latest = refresh();
      } catch (RuntimeException failed) {
        throw new CommitOutcomeUnknownException("table " + name + ": REST catalog " + catalogUri + " answered 409 "
            + "and reloading the table to check the commit failed (" + failed.getMessage() + ")", failed);
      }
      Set<Long> present = new HashSet<>();
      latest.snapshots().forEach(s -> present.add(s.snapshotId()));
      if (present.containsAll(added)) {
        LOG.info("table {}: commit answered 409 but its snapshot is committed (an earlier send landed)", name);
        return latest;
      }
    }
    LOG.debug("table {}: commit lost the race at the catalog ({})", name, e.getMessage());
    return null;
  }

  /**
   * @return {@code iceBase} (the Iceberg form of {@code base}) plus the changes that turn {@code base} into
   *     {@code updated}, as Iceberg metadata updates: built from the snapshots, references and properties that
   *     changed when nothing else did (an append converts one snapshot, not the table), else by comparing the two
   *     versions whole
   */
  static org.apache.iceberg.TableMetadata updates(org.apache.iceberg.TableMetadata iceBase, TableMetadata base,
      TableMetadata updated) {
    java.util.Optional<MetadataDelta> delta = MetadataDelta.between(base, updated);
    if (delta.isEmpty()) {
      return diff(iceBase, toIceberg(updated, base.metadataFileLocation()));
    }
    MetadataDelta d = delta.get();
    org.apache.iceberg.TableMetadata.Builder b = org.apache.iceberg.TableMetadata.buildFrom(iceBase);
    d.addedSnapshotsJson().forEach(json -> b.addSnapshot(SnapshotParser.fromJson(json)));
    d.setRefs().forEach((name, ref) -> b.setRef(name, icebergRef(ref)));
    d.removedRefs().forEach(b::removeRef);
    if (!d.removedSnapshotIds().isEmpty()) {
      b.removeSnapshots(d.removedSnapshotIds());
    }
    if (!d.setProperties().isEmpty()) {
      b.setProperties(d.setProperties());
    }
    if (!d.removedProperties().isEmpty()) {
      b.removeProperties(d.removedProperties());
    }
    return b.build();
  }

  private static SnapshotRef icebergRef(io.datashard.SnapshotRef ref) {
    SnapshotRef.Builder b = ref.isTag() ? SnapshotRef.tagBuilder(ref.snapshotId())
        : SnapshotRef.branchBuilder(ref.snapshotId());
    if (ref.minSnapshotsToKeep() != null) {
      b.minSnapshotsToKeep(ref.minSnapshotsToKeep());
    }
    if (ref.maxSnapshotAgeMs() != null) {
      b.maxSnapshotAgeMs(ref.maxSnapshotAgeMs());
    }
    if (ref.maxRefAgeMs() != null) {
      b.maxRefAgeMs(ref.maxRefAgeMs());
    }
    return b.build();
  }

  /** @return base plus the changes that turn it into updated, as Iceberg metadata updates */
  static org.apache.iceberg.TableMetadata diff(org.apache.iceberg.TableMetadata base,
      org.apache.iceberg.TableMetadata updated) {
    org.apache.iceberg.TableMetadata.Builder b = org.apache.iceberg.TableMetadata.buildFrom(base);
    if (updated.formatVersion() > base.formatVersion()) {
      b.upgradeFormatVersion(updated.formatVersion());
    }
    Set<Integer> schemaIds = new HashSet<>(base.schemasById().keySet());
    for (org.apache.iceberg.Schema s : updated.schemas()) {
      if (!schemaIds.contains(s.schemaId()) && s.schemaId() != updated.currentSchemaId()) {
        b.addSchema(s);
      }
    }
    if (updated.currentSchemaId() != base.currentSchemaId()) {
      b.setCurrentSchema(updated.schema(), updated.lastColumnId());
    }
    if (updated.defaultSpecId() != base.defaultSpecId()) {
      b.setDefaultPartitionSpec(updated.spec());
    } else {
      for (org.apache.iceberg.PartitionSpec spec : updated.specs()) {
        if (!base.specsById().containsKey(spec.specId())) {
          b.addPartitionSpec(spec);
        }
      }
    }
    if (updated.defaultSortOrderId() != base.defaultSortOrderId()) {
      b.setDefaultSortOrder(updated.sortOrder());
    }
    Set<Long> baseSnapshots = new HashSet<>();
    base.snapshots().forEach(s -> baseSnapshots.add(s.snapshotId()));
    Set<Long> updatedSnapshots = new HashSet<>();
    for (Snapshot s : updated.snapshots()) {
      updatedSnapshots.add(s.snapshotId());
      if (!baseSnapshots.contains(s.snapshotId())) {
        b.addSnapshot(s);
      }
    }
    for (Map.Entry<String, SnapshotRef> e : updated.refs().entrySet()) {
      if (!e.getValue().equals(base.refs().get(e.getKey()))) {
        b.setRef(e.getKey(), e.getValue());
      }
    }
    for (String ref : base.refs().keySet()) {
      if (!updated.refs().containsKey(ref)) {
        b.removeRef(ref);
      }
    }
    List<Long> removed = new ArrayList<>();
    for (Long id : baseSnapshots) {
      if (!updatedSnapshots.contains(id)) {
        removed.add(id);
      }
    }
    if (!removed.isEmpty()) {
      b.removeSnapshots(removed);
    }
    Map<String, StatisticsFile> baseStats = new HashMap<>();
    base.statisticsFiles().forEach(f -> baseStats.put(f.path(), f));
    Set<Long> statsKept = new HashSet<>();
    for (StatisticsFile f : updated.statisticsFiles()) {
      statsKept.add(f.snapshotId());
      if (!baseStats.containsKey(f.path())) {
        b.setStatistics(f);
      }
    }
    for (StatisticsFile f : base.statisticsFiles()) {
      if (!statsKept.contains(f.snapshotId()) && updatedSnapshots.contains(f.snapshotId())) {
        b.removeStatistics(f.snapshotId());
      }
    }
    Map<String, String> set = new HashMap<>();
    updated.properties().forEach((k, v) -> {
      if (!Objects.equals(base.properties().get(k), v)) {
        set.put(k, v);
      }
    });
    if (!set.isEmpty()) {
      b.setProperties(set);
    }
    Set<String> gone = new HashSet<>(base.properties().keySet());
    gone.removeAll(updated.properties().keySet());
    if (!gone.isEmpty()) {
      b.removeProperties(gone);
    }
    return b.build();
  }

  static org.apache.iceberg.TableMetadata toIceberg(TableMetadata m, String metadataLocation) {
    String json = new String(io.datashard.metadata.TableMetadataParser.toJson(m), StandardCharsets.UTF_8);
    return TableMetadataParser.fromJson(metadataLocation, json);
  }

  /**
   * @param previousVersion the version this handle knew (0 for none): when the catalog's metadata file name
   *     carries no number, versions count on from it
   */
  static TableMetadata toDataShard(org.apache.iceberg.TableMetadata m, int previousVersion) {
    String file = m.metadataFileLocation();
    int version = versionOf(file, previousVersion);
    byte[] json = TableMetadataParser.toJson(m).getBytes(StandardCharsets.UTF_8);
    return io.datashard.metadata.TableMetadataParser.fromJson(file, version, json);
  }

  /** @return the version number in a metadata file's name, or the one after {@code previousVersion} when it has none */
  private static int versionOf(String file, int previousVersion) {
    if (file != null) {
      Matcher v = VERSION.matcher(file.substring(file.lastIndexOf('/') + 1));
      if (v.find()) {
        try {
          return Integer.parseInt(v.group(1));
        } catch (NumberFormatException e) {
          // keep counting
        }
      }
    }
    return previousVersion + 1;
  }
}
