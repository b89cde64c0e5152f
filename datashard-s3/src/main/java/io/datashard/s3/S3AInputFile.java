package io.datashard.s3;

import io.datashard.StorageException;
import io.datashard.storage.FileNotFoundInStorageException;
import io.datashard.storage.InputFile;
import io.datashard.storage.SeekableInputStream;
import java.io.FileNotFoundException;
import java.io.IOException;
import org.apache.hadoop.fs.FSDataInputStream;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.FutureDataInputStreamBuilder;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.s3a.S3AFileStatus;
import org.apache.hadoop.util.functional.FutureIO;
import software.amazon.awssdk.services.s3.model.HeadObjectResponse;

/**
 * A data file read through S3A; the length comes from the caller (a manifest) or from one HEAD, and is passed to
 * S3A together with the entity tag when that HEAD was made here, so the stream does not repeat it.
 */
final class S3AInputFile implements InputFile {
  private final S3ADataFiles files;
  private final String location;
  private volatile long length;
  /** The entity tag, when this handle made the HEAD itself; it spares the analytics stream a second HEAD. */
  private volatile String etag;

  S3AInputFile(S3ADataFiles files, String location, long length) {
    S3Location.parse(location).objectKey(location);
    this.files = files;
    this.location = location;
    this.length = length;
  }

  @Override
  public String location() {
    return location;
  }

  @Override
  public long length() {
    long len = length;
    if (len < 0) {
      HeadObjectResponse head = files.head(location);
      etag = head.eTag();
      len = head.contentLength();
      length = len;
    }
    return len;
  }

  @Override
  public SeekableInputStream newStream() {
    // Data files are Parquet: footer first, then column chunks by range. Declaring that lets S3A fetch exactly
    // the ranges asked for instead of starting a whole-object GET it aborts on the first backward seek.
    return open("parquet, columnar, vector, random, adaptive");
  }

  @Override
  public SeekableInputStream newSequentialStream() {
    // Whole-file reads (copies, checksums, the read cache): one GET, not one per read-ahead range.
    return open("whole-file, sequential");
  }

  private SeekableInputStream open(String readPolicy) {
    S3Location loc = S3Location.parse(location);
    long len = length();
    FileSystem fs = files.fileSystem(loc.bucket());
    try {
      // Passing the length lets S3A skip its own HEAD; the GET happens lazily on first read.
      Path path = fs.makeQualified(new Path(loc.s3aUri()));
      FutureDataInputStreamBuilder open = fs.openFile(path)
          .opt("fs.option.openfile.length", Long.toString(len))
          .opt("fs.option.openfile.read.policy", readPolicy);
      String tag = etag;
      if (tag != null) {
        open.withFileStatus(new S3AFileStatus(len, 0L, path, len, null, tag, null));
      }
      FSDataInputStream in = FutureIO.awaitFuture(open.build());
      return new HadoopSeekableInputStream(in);
    } catch (FileNotFoundException e) {
      throw new FileNotFoundInStorageException(location);
    } catch (IOException | RuntimeException e) {
      throw new StorageException("cannot open " + location + " for reading: "
          + Redaction.redact(String.valueOf(e.getMessage()), files.config()), e);
    }
  }

  @Override
  public String toString() {
    return location;
  }
}
