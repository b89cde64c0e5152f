package io.datashard.replication;

import java.util.ArrayList;
import java.util.List;

/**
 * What a migration copied.
 *
 * @param latestVersion the newest metadata version, now at the destination
 * @param versionsWritten metadata versions written by this run
 * @param versionsPresent metadata versions already at the destination (an earlier, interrupted run)
 * @param dataFilesCopied data files copied by this run
 * @param bytesCopied their bytes
 * @param dataFilesPresent data files already at the destination with the right size (not copied again)
 * @param bytesPresent their bytes
 * @param manifestsWritten manifests rewritten with destination locations
 * @param manifestListsWritten manifest lists rewritten
 * @param expiredSkipped snapshots of old versions whose files were already expired at the source
 */
public record CopyReport(int latestVersion, int versionsWritten, int versionsPresent, int dataFilesCopied,
                         long bytesCopied, int dataFilesPresent, long bytesPresent, int manifestsWritten,
                         int manifestListsWritten, List<Long> expiredSkipped) {

  static final class Builder {
    int versionsWritten;
    int versionsPresent;
    int dataFilesCopied;
    long bytesCopied;
    int dataFilesPresent;
    long bytesPresent;
    int manifestsWritten;
    int manifestListsWritten;
    final List<Long> expiredSkipped = new ArrayList<>();

    CopyReport build(int latest) {
      return new CopyReport(latest, versionsWritten, versionsPresent, dataFilesCopied, bytesCopied, dataFilesPresent,
          bytesPresent, manifestsWritten, manifestListsWritten, List.copyOf(expiredSkipped));
    }
  }
}
