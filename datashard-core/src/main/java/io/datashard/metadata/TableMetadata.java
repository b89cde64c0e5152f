package io.datashard.metadata;

import io.datashard.HistoryEntry;
import io.datashard.PartitionSpec;
import io.datashard.Schema;
import io.datashard.Snapshot;
import io.datashard.SnapshotRef;
import io.datashard.SortOrder;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;

/**
 * One version of a table's metadata ({@code v<N>.metadata.json}): schemas, partition specs, properties,
 * snapshots and logs. Immutable; every change returns a new instance that the commit protocol then tries to
 * publish as version N+1.
 */
public final class TableMetadata {
  /** The format version new tables get unless their {@code format-version} property asks for another. */
  public static final int FORMAT_VERSION = 2;
  /** The highest format version DataShard writes. */
  public static final int MAX_WRITE_FORMAT_VERSION = 3;
  /** The reserved table property that chooses a new table's format version or upgrades a table. */
  public static final String FORMAT_VERSION_PROPERTY = "format-version";
  /** The highest format version DataShard reads (scans, row counts, the change feed). */
  public static final int MAX_READ_FORMAT_VERSION = 3;

  private final String metadataFileLocation;
  private final int version;
  private final int formatVersion;
  private final String tableUuid;
  private final String location;
  private final long lastSequenceNumber;
  private final long lastUpdatedMillis;
  private final int lastColumnId;
  private final List<Schema> schemas;
  private final int currentSchemaId;
  private final List<PartitionSpec> specs;
  private final int defaultSpecId;
  private final int lastPartitionId;
  private final Map<String, String> properties;
  private final Long currentSnapshotId;
  private final List<Snapshot> snapshots;
  private final List<HistoryEntry> snapshotLog;
  private final List<MetadataLogEntry> metadataLog;
  private final Map<Long, Snapshot> snapshotsById;
  /** JSON of each snapshot, serialized once (shared by the versions derived from one parsed version). */
  private final SnapshotJsonCache snapshotJson;
  private final CarriedMetadata carried;

  @SuppressWarnings("checkstyle:ParameterNumber")
  TableMetadata(String metadataFileLocation, int version, int formatVersion, String tableUuid, String location,
                long lastSequenceNumber, long lastUpdatedMillis, int lastColumnId, List<Schema> schemas,
                int currentSchemaId, List<PartitionSpec> specs, int defaultSpecId, int lastPartitionId,
                Map<String, String> properties, Long currentSnapshotId, List<Snapshot> snapshots,
                List<HistoryEntry> snapshotLog, List<MetadataLogEntry> metadataLog, CarriedMetadata carried,
                SnapshotJsonCache snapshotJson) {
    this(metadataFileLocation, version, formatVersion, tableUuid, location, lastSequenceNumber, lastUpdatedMillis,
        lastColumnId, schemas, currentSchemaId, specs, defaultSpecId, lastPartitionId, properties, currentSnapshotId,
        snapshots, snapshotLog, metadataLog, snapshotJson, carried);
  }

  @SuppressWarnings("checkstyle:ParameterNumber")
  private TableMetadata(String metadataFileLocation, int version, int formatVersion, String tableUuid, String location,
                long lastSequenceNumber, long lastUpdatedMillis, int lastColumnId, List<Schema> schemas,
                int currentSchemaId, List<PartitionSpec> specs, int defaultSpecId, int lastPartitionId,
                Map<String, String> properties, Long currentSnapshotId, List<Snapshot> snapshots,
                List<HistoryEntry> snapshotLog, List<MetadataLogEntry> metadataLog,
                SnapshotJsonCache snapshotJson, CarriedMetadata carried) {
    this.snapshotJson = snapshotJson;
    this.carried = Objects.requireNonNull(carried, "carried");
    this.metadataFileLocation = metadataFileLocation;
    this.version = version;
    this.formatVersion = formatVersion;
    this.tableUuid = Objects.requireNonNull(tableUuid, "table-uuid");
    this.location = Objects.requireNonNull(location, "location");
    this.lastSequenceNumber = lastSequenceNumber;
    this.lastUpdatedMillis = lastUpdatedMillis;
    this.lastColumnId = lastColumnId;
    this.schemas = List.copyOf(schemas);
    this.currentSchemaId = currentSchemaId;
    this.specs = List.copyOf(specs);
    this.defaultSpecId = defaultSpecId;
    this.lastPartitionId = lastPartitionId;
    this.properties = Collections.unmodifiableMap(new java.util.TreeMap<>(properties));
    this.currentSnapshotId = currentSnapshotId;
    this.snapshots = List.copyOf(snapshots);
    this.snapshotLog = List.copyOf(snapshotLog);
    this.metadataLog = List.copyOf(metadataLog);
    Map<Long, Snapshot> byId = new HashMap<>();
    for (Snapshot s : this.snapshots) {
      byId.put(s.snapshotId(), s);
    }
    this.snapshotsById = byId;
    if (schemaById(currentSchemaId) == null) {
      throw new IllegalArgumentException("current-schema-id " + currentSchemaId + " is not among the schemas");
    }
    if (specById(defaultSpecId) == null) {
      throw new IllegalArgumentException("default-spec-id " + defaultSpecId + " is not among the partition specs");
    }
    if (currentSnapshotId != null && !byId.containsKey(currentSnapshotId)) {
      throw new IllegalArgumentException("current-snapshot-id " + currentSnapshotId + " is not among the snapshots");
    }
    for (Map.Entry<String, SnapshotRef> r : carried.refs().entrySet()) {
      if (!byId.containsKey(r.getValue().snapshotId())) {
        throw new IllegalArgumentException("ref '" + r.getKey() + "' points at snapshot " + r.getValue().snapshotId()
            + ", which is not among the snapshots");
      }
    }
  }

  /**
   * Metadata of a new, empty table.
   *
   * @param location table location
   * @param schema the schema (its id is set to 0)
   * @param spec the partition spec (id 0)
   * @param properties table properties
   * @param nowMillis creation time
   * @return version-1 metadata
   */
  public static TableMetadata newTable(String location, Schema schema, PartitionSpec spec,
                                       Map<String, String> properties, long nowMillis) {
    Schema s = schema.withSchemaId(0);
    io.datashard.TableProperties.requireValidBooleans(properties);
    Map<String, String> props = io.datashard.TableProperties.withCreationDefaults(properties);
    String requested = props.remove(FORMAT_VERSION_PROPERTY);
    int formatVersion = requested == null ? FORMAT_VERSION : parseFormatVersion(requested, 2);
    requireTypesAllowedIn(formatVersion, s);
    CarriedMetadata carried = CarriedMetadata.initial().withNextRowId(formatVersion >= 3 ? 0L : null);
    return new TableMetadata(null, 1, formatVersion, UUID.randomUUID().toString(), location, 0, nowMillis,
        s.highestFieldId(), List.of(s), 0, List.of(spec), spec.specId(), spec.lastAssignedFieldId(), props,
        null, List.of(), List.of(), List.of(), carried, new SnapshotJsonCache());
  }

  /** Nanosecond timestamps are format version 3 types: older readers would misread them. */
  private static void requireTypesAllowedIn(int formatVersion, Schema schema) {
    if (formatVersion >= 3) {
      return;
    }
    for (io.datashard.Field f : schema.fields()) {
      String v3 = v3Type(f.type(), f.name());
      if (v3 != null) {
        throw new io.datashard.ValidationException("column '" + v3 + "' has a type of format version 3; create the "
            + "table with the property format-version=3 (or upgrade it) to use it");
      }
    }
  }

  private static String v3Type(io.datashard.Type t, String path) {
    switch (t.id()) {
      case TIMESTAMP_NS:
      case TIMESTAMP_NS_TZ:
        return path + " (" + t + ")";
      case STRUCT:
        for (io.datashard.Field c : t.asStruct().fields()) {
          String found = v3Type(c.type(), path + "." + c.name());
          if (found != null) {
            return found;
          }
        }
        return null;
      case LIST:
        return v3Type(t.asList().elementType(), path + ".element");
      case MAP: {
        String k = v3Type(t.asMap().keyType(), path + ".key");
        return k != null ? k : v3Type(t.asMap().valueType(), path + ".value");
      }
      case BOOLEAN, INT, LONG, FLOAT, DOUBLE, DECIMAL, DATE, TIME, TIMESTAMP, TIMESTAMP_TZ, STRING, UUID, FIXED,
          BINARY:
      default:
        return null;
    }
  }

  private static int parseFormatVersion(String value, int lowest) {
    int v;
    try {
      v = Integer.parseInt(value.trim());
    } catch (NumberFormatException e) {
      throw new io.datashard.ValidationException("format-version must be a number, got '" + value + "'");
    }
    if (v < lowest || v > MAX_WRITE_FORMAT_VERSION) {
      throw new io.datashard.ValidationException("format-version " + v + " is not one DataShard writes here: "
          + lowest + " to " + MAX_WRITE_FORMAT_VERSION);
    }
    return v;
  }

  /**
   * @return whether the table uses Iceberg's own table encryption ({@code encryption-keys}, format version 3): its
   *     manifest lists and manifests are encrypted with keys DataShard does not manage
   */
  public boolean usesIcebergTableEncryption() {
    com.fasterxml.jackson.databind.JsonNode keys = carried.unknownTopLevel().get("encryption-keys");
    return keys != null && keys.isArray() && !keys.isEmpty();
  }

  /** @return the table's next row id (format version 3 row lineage), or null before version 3 */
  public Long nextRowId() {
    return carried.nextRowId();
  }

  /** @return the row-lineage counter after a snapshot is added (format version 3), checked against the table's */
  private CarriedMetadata advancingRowIds(CarriedMetadata c, Snapshot snapshot) {
    if (formatVersion < 3) {
      return c;
    }
    if (snapshot.firstRowId() == null || snapshot.firstRowId() < nextRowId()) {
      throw new IllegalArgumentException("snapshot " + snapshot.snapshotId() + " of a format version 3 table has "
          + "first-row-id " + snapshot.firstRowId() + ", but the table's next row id is " + nextRowId()
          + ": its row ids would repeat others");
    }
    return c.withNextRowId(snapshot.firstRowId() + snapshot.addedRows());
  }

  /**
   * @param snapshot the new current snapshot (its sequence number must be lastSequenceNumber + 1)
   * @return metadata of the next version with that snapshot current
   */
  public TableMetadata withNewCurrentSnapshot(Snapshot snapshot) {
    checkWritable();
    if (snapshot.sequenceNumber() <= lastSequenceNumber) {
      throw new IllegalArgumentException("snapshot sequence number " + snapshot.sequenceNumber()
          + " must be greater than the table's last sequence number " + lastSequenceNumber);
    }
    if (snapshotsById.containsKey(snapshot.snapshotId())) {
      throw new IllegalArgumentException("snapshot id " + snapshot.snapshotId() + " already exists");
    }
    List<Snapshot> newSnapshots = new ArrayList<>(snapshots.size() + 1);
    newSnapshots.addAll(snapshots);
    newSnapshots.add(snapshot);
    List<HistoryEntry> newLog = new ArrayList<>(snapshotLog.size() + 1);
    newLog.addAll(snapshotLog);
    newLog.add(new HistoryEntry(snapshot.timestampMillis(), snapshot.snapshotId()));
    return new TableMetadata(null, version + 1, formatVersion, tableUuid, location, snapshot.sequenceNumber(),
        snapshot.timestampMillis(), lastColumnId, schemas, currentSchemaId, specs, defaultSpecId, lastPartitionId,
        properties, snapshot.snapshotId(), newSnapshots, newLog, nextMetadataLog(snapshot.timestampMillis()), snapshotJson,
        advancingRowIds(carried.withRefs(refsWithMain(snapshot.snapshotId())), snapshot));
  }

  /**
   * @param updates properties to set
   * @param removals property keys to remove
   * @param nowMillis time of the change
   * @return metadata of the next version with the properties changed
   */
  public TableMetadata withProperties(Map<String, String> updates, java.util.Set<String> removals, long nowMillis) {
    checkWritable();
    Map<String, String> p = new HashMap<>(properties);
    removals.forEach(p::remove);
    p.putAll(updates);
    // format-version is not a stored property: setting it upgrades the table (never downgrades)
    String requested = p.remove(FORMAT_VERSION_PROPERTY);
    if (removals.contains(FORMAT_VERSION_PROPERTY)) {
      throw new io.datashard.ValidationException("format-version cannot be removed");
    }
    int newFormatVersion = requested == null ? formatVersion : parseFormatVersion(requested, formatVersion);
    CarriedMetadata c = formatVersion < 3 && newFormatVersion >= 3 ? carried.withNextRowId(0L) : carried;
    return new TableMetadata(null, version + 1, newFormatVersion, tableUuid, location, lastSequenceNumber, nowMillis,
        lastColumnId, schemas, currentSchemaId, specs, defaultSpecId, lastPartitionId, p, currentSnapshotId,
        snapshots, snapshotLog, nextMetadataLog(nowMillis), snapshotJson, c);
  }

  /**
   * @param newSchema the new current schema (its id is assigned here)
   * @param newLastColumnId the highest field id ever assigned, including the new schema's
   * @param nowMillis time of the change
   * @return metadata of the next version with that schema current; an identical earlier schema is reused
   */
  public TableMetadata withCurrentSchema(Schema newSchema, int newLastColumnId, long nowMillis) {
    checkWritable();
    requireTypesAllowedIn(formatVersion, newSchema);
    List<Schema> newSchemas = new ArrayList<>(schemas);
    int id = -1;
    int maxId = -1;
    for (Schema s : schemas) {
      maxId = Math.max(maxId, s.schemaId());
      if (s.sameFieldsAs(newSchema)) {
        id = s.schemaId();
      }
    }
    if (id < 0) {
      id = maxId + 1;
      newSchemas.add(newSchema.withSchemaId(id));
    }
    return new TableMetadata(null, version + 1, formatVersion, tableUuid, location, lastSequenceNumber, nowMillis,
        Math.max(lastColumnId, newLastColumnId), newSchemas, id, specs, defaultSpecId, lastPartitionId, properties,
        currentSnapshotId, snapshots, snapshotLog, nextMetadataLog(nowMillis), snapshotJson, carried);
  }

  /**
   * @param newSpec the partition spec for new data (its spec id must be new, or equal an existing spec's id
   *     when that identical spec is being made the default again)
   * @param nowMillis time of the change
   * @return metadata of the next version with that spec as the default; earlier specs stay for existing files
   */
  public TableMetadata withDefaultSpec(PartitionSpec newSpec, long nowMillis) {
    checkWritable();
    List<PartitionSpec> newSpecs = new ArrayList<>(specs);
    PartitionSpec existing = specById(newSpec.specId());
    if (existing == null) {
      newSpecs.add(newSpec);
    } else if (!existing.equals(newSpec)) {
      throw new IllegalArgumentException("spec id " + newSpec.specId() + " already names a different spec");
    }
    return new TableMetadata(null, version + 1, formatVersion, tableUuid, location, lastSequenceNumber, nowMillis,
        lastColumnId, schemas, currentSchemaId, newSpecs, newSpec.specId(),
        Math.max(lastPartitionId, newSpec.lastAssignedFieldId()), properties, currentSnapshotId, snapshots,
        snapshotLog, nextMetadataLog(nowMillis), snapshotJson, carried);
  }

  /**
   * @param retained the snapshots to keep (the current snapshot must be among them)
   * @param nowMillis time of the change
   * @return metadata of the next version without the other snapshots (their history entries go too)
   */
  public TableMetadata withSnapshotsRetained(java.util.Collection<Snapshot> retained, long nowMillis) {
    checkWritable();
    java.util.Set<Long> keep = new java.util.HashSet<>();
    for (Snapshot s : retained) {
      keep.add(s.snapshotId());
    }
    if (currentSnapshotId != null && !keep.contains(currentSnapshotId)) {
      throw new IllegalArgumentException("the current snapshot cannot be expired");
    }
    for (Map.Entry<String, SnapshotRef> r : carried.refs().entrySet()) {
      if (!keep.contains(r.getValue().snapshotId())) {
        throw new IllegalArgumentException("snapshot " + r.getValue().snapshotId() + " is referenced by "
            + r.getValue().type().jsonName() + " '" + r.getKey() + "' and cannot be expired");
      }
    }
    List<Snapshot> newSnapshots = new ArrayList<>();
    for (Snapshot s : snapshots) {
      if (keep.contains(s.snapshotId())) {
        newSnapshots.add(s);
      }
    }
    List<HistoryEntry> newLog = new ArrayList<>();
    for (HistoryEntry h : snapshotLog) {
      if (keep.contains(h.snapshotId())) {
        newLog.add(h);
      }
    }
    return new TableMetadata(null, version + 1, formatVersion, tableUuid, location, lastSequenceNumber, nowMillis,
        lastColumnId, schemas, currentSchemaId, specs, defaultSpecId, lastPartitionId, properties, currentSnapshotId,
        newSnapshots, newLog, nextMetadataLog(nowMillis), snapshotJson,
        carried.retainingStatisticsOf(keep));
  }

  /**
   * Adds a snapshot to a branch: for {@code main} this is {@link #withNewCurrentSnapshot}; for another branch the
   * snapshot is added and the branch moves to it, while the table's current snapshot stays.
   *
   * @param snapshot the new snapshot (its sequence number must be lastSequenceNumber + 1)
   * @param branch the branch it extends; created at this snapshot when it does not exist
   * @return metadata of the next version
   */
  public TableMetadata withSnapshotOnBranch(Snapshot snapshot, String branch) {
    if (SnapshotRef.MAIN.equals(branch)) {
      return withNewCurrentSnapshot(snapshot);
    }
    checkWritable();
    SnapshotRef existing = carried.refs().get(branch);
    if (existing != null && existing.isTag()) {
      throw new io.datashard.ValidationException("'" + branch + "' is a tag, not a branch: commits cannot extend it");
    }
    if (snapshot.sequenceNumber() <= lastSequenceNumber) {
      throw new IllegalArgumentException("snapshot sequence number " + snapshot.sequenceNumber()
          + " must be greater than the table's last sequence number " + lastSequenceNumber);
    }
    List<Snapshot> newSnapshots = new ArrayList<>(snapshots);
    newSnapshots.add(snapshot);
    Map<String, SnapshotRef> refs = new java.util.LinkedHashMap<>(carried.refs());
    refs.put(branch, existing == null ? SnapshotRef.branch(snapshot.snapshotId())
        : existing.withSnapshotId(snapshot.snapshotId()));
    return new TableMetadata(null, version + 1, formatVersion, tableUuid, location, snapshot.sequenceNumber(),
        snapshot.timestampMillis(), lastColumnId, schemas, currentSchemaId, specs, defaultSpecId, lastPartitionId,
        properties, currentSnapshotId, newSnapshots, snapshotLog, nextMetadataLog(snapshot.timestampMillis()),
        snapshotJson, advancingRowIds(carried.withRefs(refs), snapshot));
  }

  /**
   * Creates or replaces a reference. Setting {@code main} moves the table's current snapshot (a rollback or a
   * fast-forward) and records it in the snapshot log.
   *
   * @param name the reference's name
   * @param ref where it points and its retention
   * @param nowMillis time of the change
   * @return metadata of the next version
   */
  public TableMetadata withRef(String name, SnapshotRef ref, long nowMillis) {
    checkWritable();
    if (snapshot(ref.snapshotId()) == null) {
      throw new io.datashard.ValidationException("table has no snapshot " + ref.snapshotId());
    }
    Map<String, SnapshotRef> refs = new java.util.LinkedHashMap<>(carried.refs());
    refs.put(name, ref);
    Long current = currentSnapshotId;
    List<HistoryEntry> log = snapshotLog;
    if (SnapshotRef.MAIN.equals(name)) {
      if (!ref.isBranch()) {
        throw new io.datashard.ValidationException("'main' is the table's branch; it cannot be a tag");
      }
      if (!Long.valueOf(ref.snapshotId()).equals(currentSnapshotId)) {
        current = ref.snapshotId();
        log = new ArrayList<>(snapshotLog);
        log.add(new HistoryEntry(nowMillis, ref.snapshotId()));
      }
    }
    return new TableMetadata(null, version + 1, formatVersion, tableUuid, location, lastSequenceNumber, nowMillis,
        lastColumnId, schemas, currentSchemaId, specs, defaultSpecId, lastPartitionId, properties, current,
        snapshots, log, nextMetadataLog(nowMillis), snapshotJson, carried.withRefs(refs));
  }

  /**
   * @param name a reference other than {@code main}
   * @param nowMillis time of the change
   * @return metadata of the next version without that reference (its snapshots stay until expired)
   */
  public TableMetadata withoutRef(String name, long nowMillis) {
    checkWritable();
    if (SnapshotRef.MAIN.equals(name)) {
      throw new io.datashard.ValidationException("the 'main' branch cannot be removed");
    }
    if (!carried.refs().containsKey(name)) {
      throw new io.datashard.ValidationException("table has no branch or tag '" + name + "'");
    }
    Map<String, SnapshotRef> refs = new java.util.LinkedHashMap<>(carried.refs());
    refs.remove(name);
    return new TableMetadata(null, version + 1, formatVersion, tableUuid, location, lastSequenceNumber, nowMillis,
        lastColumnId, schemas, currentSchemaId, specs, defaultSpecId, lastPartitionId, properties,
        currentSnapshotId, snapshots, snapshotLog, nextMetadataLog(nowMillis), snapshotJson, carried.withRefs(refs));
  }

  /**
   * @param order the new default sort order (its id is assigned here; an identical existing order is reused)
   * @param nowMillis time of the change
   * @return metadata of the next version with that order as the default
   */
  public TableMetadata withDefaultSortOrder(SortOrder order, long nowMillis) {
    checkWritable();
    List<SortOrder> orders = new ArrayList<>(carried.sortOrders());
    int id = -1;
    int maxId = 0;
    for (SortOrder o : orders) {
      maxId = Math.max(maxId, o.orderId());
      if (o.sameOrderAs(order)) {
        id = o.orderId();
      }
    }
    if (id < 0) {
      id = order.isUnsorted() ? 0 : maxId + 1;
      orders.add(new SortOrder(id, order.fields()));
    }
    return new TableMetadata(null, version + 1, formatVersion, tableUuid, location, lastSequenceNumber, nowMillis,
        lastColumnId, schemas, currentSchemaId, specs, defaultSpecId, lastPartitionId, properties,
        currentSnapshotId, snapshots, snapshotLog, nextMetadataLog(nowMillis), snapshotJson,
        carried.withSortOrders(orders, id));
  }

  private Map<String, SnapshotRef> refsWithMain(long snapshotId) {
    Map<String, SnapshotRef> refs = new java.util.LinkedHashMap<>(carried.refs());
    SnapshotRef main = refs.get(SnapshotRef.MAIN);
    refs.put(SnapshotRef.MAIN, main == null ? SnapshotRef.branch(snapshotId) : main.withSnapshotId(snapshotId));
    return refs;
  }

  /**
   * DataShard writes format versions 1 to 3: a newer table is loaded (for inspection) and carried, never written,
   * since its new required fields would be left wrong.
   */
  private void checkWritable() {
    if (usesIcebergTableEncryption()) {
      throw new io.datashard.UnsupportedTableFeatureException("table at " + location + " uses Iceberg table "
          + "encryption (encryption-keys), which DataShard does not support; it does not commit to this table");
    }
    if (formatVersion > MAX_WRITE_FORMAT_VERSION) {
      throw new io.datashard.UnsupportedTableFeatureException("table at " + location + " has format-version "
          + formatVersion + "; DataShard writes format versions 1 to " + MAX_WRITE_FORMAT_VERSION
          + ", so it does not commit to this table");
    }
  }

  private List<MetadataLogEntry> nextMetadataLog(long nowMillis) {
    if (metadataFileLocation == null) {
      return metadataLog;
    }
    int max = Math.max(0, intProperty(io.datashard.TableProperties.METADATA_PREVIOUS_VERSIONS_MAX,
        io.datashard.TableProperties.METADATA_PREVIOUS_VERSIONS_MAX_DEFAULT));
    List<MetadataLogEntry> log = new ArrayList<>(metadataLog);
    log.add(new MetadataLogEntry(lastUpdatedMillis, metadataFileLocation));
    while (log.size() > max) {
      log.remove(0);
    }
    return log;
  }

  /** @return this metadata as read from a file (version and location known) */
  public TableMetadata withFile(String fileLocation, int fileVersion) {
    return withCatalogFile(fileLocation, fileVersion, lastUpdatedMillis, snapshotLog, metadataLog);
  }

  /**
   * @return this metadata as a catalog published it: at {@code fileLocation} as version {@code fileVersion}, with the
   *     catalog's commit time, snapshot log and metadata log (a REST catalog that committed exactly this change
   *     answers with the same metadata apart from these, which carry the catalog's clock)
   */
  public TableMetadata withCatalogFile(String fileLocation, int fileVersion, long catalogLastUpdatedMillis,
      List<HistoryEntry> catalogSnapshotLog, List<MetadataLogEntry> catalogMetadataLog) {
    return new TableMetadata(fileLocation, fileVersion, formatVersion, tableUuid, location, lastSequenceNumber,
        catalogLastUpdatedMillis, lastColumnId, schemas, currentSchemaId, specs, defaultSpecId, lastPartitionId,
        properties, currentSnapshotId, snapshots, catalogSnapshotLog, catalogMetadataLog, snapshotJson, carried);
  }

  /** @return the cached JSON of a snapshot, computing it once with {@code serializer} */
  String snapshotJson(Snapshot s, java.util.function.Function<Snapshot, String> serializer) {
    return snapshotJson.json(s, serializer);
  }

  /** @return the file this metadata was read from or committed as; null for an uncommitted change */
  public String metadataFileLocation() {
    return metadataFileLocation;
  }

  /** @return N of {@code vN.metadata.json} */
  public int version() {
    return version;
  }

  public int formatVersion() {
    return formatVersion;
  }

  public String tableUuid() {
    return tableUuid;
  }

  public String location() {
    return location;
  }

  public long lastSequenceNumber() {
    return lastSequenceNumber;
  }

  public long lastUpdatedMillis() {
    return lastUpdatedMillis;
  }

  public int lastColumnId() {
    return lastColumnId;
  }

  public List<Schema> schemas() {
    return schemas;
  }

  public int currentSchemaId() {
    return currentSchemaId;
  }

  /** @return the current schema */
  public Schema schema() {
    return schemaById(currentSchemaId);
  }

  /** @return the schema with that id, or null */
  public Schema schemaById(int id) {
    for (Schema s : schemas) {
      if (s.schemaId() == id) {
        return s;
      }
    }
    return null;
  }

  public List<PartitionSpec> specs() {
    return specs;
  }

  public int defaultSpecId() {
    return defaultSpecId;
  }

  /** @return the spec new data is written with */
  public PartitionSpec spec() {
    return specById(defaultSpecId);
  }

  /** @return the spec with that id, or null */
  public PartitionSpec specById(int id) {
    for (PartitionSpec s : specs) {
      if (s.specId() == id) {
        return s;
      }
    }
    return null;
  }

  public int lastPartitionId() {
    return lastPartitionId;
  }

  public Map<String, String> properties() {
    return properties;
  }

  /** @return a property parsed as an int, or the default when absent or malformed */
  public int intProperty(String key, int defaultValue) {
    String v = properties.get(key);
    if (v == null) {
      return defaultValue;
    }
    try {
      return Integer.parseInt(v.trim());
    } catch (NumberFormatException e) {
      return defaultValue;
    }
  }

  /** @return a property parsed as a long, or the default when absent or malformed */
  /**
   * @param key a table property
   * @param defaultValue the value when the property is absent
   * @return the property as a boolean, read as {@link io.datashard.TableProperties#booleanValue} reads it (Iceberg's
   *     rule: {@code true} in any case is true, anything else false)
   */
  public boolean booleanProperty(String key, boolean defaultValue) {
    return io.datashard.TableProperties.booleanValue(properties, key, defaultValue);
  }

  public long longProperty(String key, long defaultValue) {
    return io.datashard.TableProperties.longValue(properties, key, defaultValue);
  }

  /** @return the current snapshot id, or null for a table without data */
  public Long currentSnapshotId() {
    return currentSnapshotId;
  }

  /** @return the current snapshot, or null */
  public Snapshot currentSnapshot() {
    return currentSnapshotId == null ? null : snapshotsById.get(currentSnapshotId);
  }

  /** @return the snapshot with that id, or null */
  public Snapshot snapshot(long id) {
    return snapshotsById.get(id);
  }

  public List<Snapshot> snapshots() {
    return snapshots;
  }

  public List<HistoryEntry> snapshotLog() {
    return snapshotLog;
  }

  public List<MetadataLogEntry> metadataLog() {
    return metadataLog;
  }

  /** @return branches and tags by name ({@code main} included once the table has a snapshot) */
  public Map<String, SnapshotRef> refs() {
    return carried.refs();
  }

  /** @return the reference of that name, or null */
  public SnapshotRef ref(String name) {
    return carried.refs().get(name);
  }

  /** @return every sort order of the table */
  public List<SortOrder> sortOrders() {
    return carried.sortOrders();
  }

  public int defaultSortOrderId() {
    return carried.defaultSortOrderId();
  }

  /** @return the default sort order ({@link SortOrder#UNSORTED} when none is set) */
  public SortOrder sortOrder() {
    for (SortOrder o : carried.sortOrders()) {
      if (o.orderId() == carried.defaultSortOrderId()) {
        return o;
      }
    }
    return SortOrder.UNSORTED;
  }

  /** @return table statistics files, as another engine wrote them */
  public List<StatisticsFile> statisticsFiles() {
    return carried.statistics();
  }

  /** @return partition statistics files, as another engine wrote them */
  public List<StatisticsFile> partitionStatisticsFiles() {
    return carried.partitionStatistics();
  }

  CarriedMetadata carried() {
    return carried;
  }

  @Override
  public String toString() {
    return "TableMetadata{v" + version + ", " + location + ", current-snapshot=" + currentSnapshotId
        + ", snapshots=" + snapshots.size() + "}";
  }
}
