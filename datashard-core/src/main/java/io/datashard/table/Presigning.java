package io.datashard.table;

import io.datashard.DataShardException;
import io.datashard.PresignedFile;
import io.datashard.TableScan;
import io.datashard.ValidationException;
import io.datashard.metadata.DataFile;
import io.datashard.scan.SnapshotScan;
import io.datashard.storage.PresigningBackend;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** {@link io.datashard.Table#presignedFiles}: plans the scan and asks the storage backend for a URL per file. */
final class Presigning {
  private Presigning() {
  }

  static List<PresignedFile> presign(TableHandle table, TableScan scan, Duration ttl) {
    if (ttl == null || ttl.isZero() || ttl.isNegative()) {
      throw new ValidationException("the TTL of presigned URLs must be more than zero, got " + ttl);
    }
    if (!(scan instanceof SnapshotScan base)) {
      throw new ValidationException("presignedFiles needs a scan made by table.scan() of this table, got "
          + (scan == null ? "null" : scan.getClass().getName()));
    }
    PresigningBackend signer = PresigningBackend.of(table.operations().storage());
    if (signer == null) {
      throw new DataShardException("table " + table.name() + " is stored at " + table.location()
          + ", which cannot hand out presigned URLs: presigned access needs an S3 or S3-compatible warehouse "
          + "(local files are read directly)");
    }
    List<SnapshotScan.PlannedFile> planned = base.planFilesWithDeletes();
    // Data files in the scan's order, then each delete file once (several data files may share one).
    Map<String, DataFile> deletes = new LinkedHashMap<>();
    for (SnapshotScan.PlannedFile p : planned) {
      for (DataFile d : p.deletes()) {
        deletes.putIfAbsent(d.location(), d);
      }
    }
    List<PresignedFile> out = new ArrayList<>(planned.size() + deletes.size());
    for (SnapshotScan.PlannedFile p : planned) {
      out.add(sign(signer, p.file(), ttl));
    }
    for (DataFile d : deletes.values()) {
      out.add(sign(signer, d, ttl));
    }
    return List.copyOf(out);
  }

  private static PresignedFile sign(PresigningBackend signer, DataFile f, Duration ttl) {
    // The expiry is computed before signing, so it is never later than the URL's own.
    Instant expires = Instant.now().plus(ttl);
    URI url = signer.presignGet(f.location(), ttl);
    PresignedFile.Content content = switch (f.content()) {
      case DataFile.CONTENT_POSITION_DELETES -> PresignedFile.Content.POSITION_DELETES;
      case DataFile.CONTENT_EQUALITY_DELETES -> PresignedFile.Content.EQUALITY_DELETES;
      default -> PresignedFile.Content.DATA;
    };
    return new PresignedFile(f.location(), url, content, f.fileSizeInBytes(), f.recordCount(), expires);
  }
}
