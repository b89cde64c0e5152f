package io.datashard.s3;

import io.datashard.StorageException;
import io.datashard.storage.OutputFile;
import io.datashard.storage.PositionOutputStream;
import java.io.IOException;
import org.apache.hadoop.fs.FSDataOutputStream;
import org.apache.hadoop.fs.Path;

/** A data file streamed through S3A (multipart upload for large files); visible once the stream is closed. */
final class S3AOutputFile implements OutputFile {
  private final S3ADataFiles files;
  private final String location;

  S3AOutputFile(S3ADataFiles files, String location) {
    this.files = files;
    this.location = location;
  }

  @Override
  public String location() {
    return location;
  }

  @Override
  public PositionOutputStream create() {
    S3Location loc = S3Location.parse(location);
    try {
      // overwrite=true with fs.s3a.create.performance: no HEAD/LIST before the upload (names are unique).
      FSDataOutputStream out = files.fileSystem(loc.bucket()).create(new Path(loc.s3aUri()), true);
      return new HadoopPositionOutputStream(out);
    } catch (IOException | RuntimeException e) {
      throw new StorageException("cannot create " + location + ": "
          + Redaction.redact(String.valueOf(e.getMessage()), files.config()), e);
    }
  }

  @Override
  public String toString() {
    return location;
  }
}
