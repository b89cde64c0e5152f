package io.datashard;

import java.util.List;

/**
 * A data or delete file of a table, as its manifest lists it: what {@link TableScan#planFiles()} returns, for
 * tools that inspect a table or hand its files to another reader.
 */
public interface ContentFile {
  /** @return what the file holds */
  FileContent contentType();

  /** @return the file's full location */
  String location();

  /** @return the file format ({@code PARQUET}, or what another engine wrote) */
  String fileFormat();

  /** @return the id of the partition spec the file was written with */
  int specId();

  /** @return the file's partition values, in the order of its spec's fields (empty when unpartitioned) */
  List<Object> partition();

  /** @return the rows in the file (for a delete file: the deletes it holds) */
  long recordCount();

  /** @return the file's size */
  long fileSizeInBytes();
}
