package io.datashard.server;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.datashard.iceberg.DataShardTableOperations;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import org.apache.iceberg.BaseTable;
import org.apache.iceberg.Table;
import org.apache.iceberg.TableMetadata;
import org.apache.iceberg.rest.responses.LoadTableResponse;

/**
 * A load-table or commit answer: Iceberg's response, and the bytes of the version file its metadata was read from
 * or written as, when the catalog's table operations still hold them. The answer then carries those bytes as its
 * {@code metadata} instead of writing the metadata as JSON again (one O(snapshots) rebuild and one JSON write less
 * per answer; docs/catalog.md, "Answers carry the version file as it is"). They are what Iceberg's writer produced
 * for this version, or, for a version another writer published, exactly what the store holds.
 *
 * @param response the response in Iceberg's model (what every other path writes)
 * @param metadataJson the version file's bytes, or null to write {@code response} as Iceberg does
 */
record TableAnswer(LoadTableResponse response, ByteBuffer metadataJson) {
  private static final byte[] OPEN = "{\"metadata-location\":".getBytes(StandardCharsets.US_ASCII);
  private static final byte[] METADATA = ",\"metadata\":".getBytes(StandardCharsets.US_ASCII);

  /** @return the answer for {@code metadata} as {@code table}'s operations hold it (with its file's bytes if kept) */
  static TableAnswer of(Table table, TableMetadata metadata) {
    ByteBuffer json = table instanceof BaseTable b && b.operations() instanceof DataShardTableOperations d
        ? d.fileJson(metadata) : null;
    return new TableAnswer(LoadTableResponse.builder().withTableMetadata(metadata).build(), json);
  }

  /** @return the answer as the REST specification's {@code LoadTableResult} JSON */
  byte[] toJson(ObjectMapper mapper) throws IOException {
    if (metadataJson == null || response.metadataLocation() == null || !response.config().isEmpty()
        || !response.credentials().isEmpty()) {
      return mapper.writeValueAsBytes(response);
    }
    byte[] location = mapper.writeValueAsBytes(response.metadataLocation());
    ByteBuffer json = metadataJson.duplicate();
    ByteBuffer out = ByteBuffer.allocate(OPEN.length + location.length + METADATA.length + json.remaining() + 1);
    out.put(OPEN).put(location).put(METADATA).put(json).put((byte) '}');
    return out.array();
  }
}
