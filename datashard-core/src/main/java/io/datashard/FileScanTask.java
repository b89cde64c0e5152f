package io.datashard;

import java.util.List;

/**
 * A data file a scan reads and the delete files that apply to it (docs/format.md).
 *
 * @param file the data file
 * @param deletes its position and equality delete files, empty when none apply
 */
public record FileScanTask(ContentFile file, List<ContentFile> deletes) {
  /** Copies the list. */
  public FileScanTask {
    deletes = List.copyOf(deletes);
  }
}
