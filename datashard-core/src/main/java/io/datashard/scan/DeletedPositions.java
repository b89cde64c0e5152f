package io.datashard.scan;

import io.datashard.metadata.DataFile;
import io.datashard.puffin.DeletionVector;
import io.datashard.storage.StorageBackend;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * The row positions that position deletes remove, for operations that rewrite them (merge-on-read deletes merging a
 * file's earlier deletes into a new deletion vector, the rewrite of position deletes): read as scans read them.
 */
public final class DeletedPositions {
  private DeletedPositions() {
  }

  /**
   * @param storage where the delete files are
   * @param deleteFile a version 2 position delete file
   * @return its positions per data file, each sorted
   */
  public static Map<String, long[]> ofPositionDeleteFile(StorageBackend storage, DataFile deleteFile) {
    return RowDeletes.Loader.positionsOf(storage.newInputFile(deleteFile.location(), deleteFile.fileSizeInBytes()));
  }

  /**
   * @param storage where the delete files are
   * @param dataFile a data file's location
   * @param deletes delete files that apply to it (equality deletes are ignored)
   * @return the positions its position delete files and deletion vectors remove, sorted, without repeats
   */
  public static long[] of(StorageBackend storage, String dataFile, List<DataFile> deletes) {
    long[] all = new long[0];
    for (DataFile d : deletes) {
      if (d.content() != DataFile.CONTENT_POSITION_DELETES) {
        continue;
      }
      long[] p = d.isDeletionVector()
          ? DeletionVector.read(storage.newInputFile(d.location(), d.fileSizeInBytes()), d.contentOffset(),
              d.contentSizeInBytes(), d.recordCount())
          : ofPositionDeleteFile(storage, d).getOrDefault(dataFile, new long[0]);
      long[] both = Arrays.copyOf(all, all.length + p.length);
      System.arraycopy(p, 0, both, all.length, p.length);
      all = both;
    }
    return Arrays.stream(all).sorted().distinct().toArray();
  }
}
