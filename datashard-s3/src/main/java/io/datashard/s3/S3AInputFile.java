package io.datashard.s3;

import io.datashard.StorageException;
import io.datashard.storage.FileNotFoundInStorageException;
import io.datashard.storage.InputFile;
import io.datashard.storage.SeekableInputStream;
import java.io.FileNotFoundException;
import java.io.IOException;
import org.apache.hadoop.fs.FSDataInputStream;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.util.functional.FutureIO;

/** A data file read through S3A; the length comes from one HEAD (or the caller) and is passed to S3A. */
final class S3AInputFile implements InputFile {
  private final S3StorageBackend backend;
  private final String location;
  private volatile long length;

  S3AInputFile(S3StorageBackend backend, String location, long length) {
    S3Location.parse(location).objectKey(location);
    this.backend = backend;
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
      len = backend.length(location);
      length = len;
    }
    return len;
  }

  @Override
  public SeekableInputStream newStream() {
    S3Location loc = S3Location.parse(location);
    long len = length();
    FileSystem fs = backend.fileSystem(loc.bucket());
    try {
      // Passing the length lets S3A skip its own HEAD; the GET happens lazily on first read.
      // Data files are Parquet: footer first, then column chunks by range. Declaring that lets S3A fetch exactly
      // the ranges asked for instead of starting a whole-object GET it aborts on the first backward seek.
      FSDataInputStream in = FutureIO.awaitFuture(fs.openFile(new Path(loc.s3aUri()))
          .opt("fs.option.openfile.length", Long.toString(len))
          .opt("fs.option.openfile.read.policy", "parquet, columnar, vector, random, adaptive")
          .build());
      return new HadoopSeekableInputStream(in);
    } catch (FileNotFoundException e) {
      throw new FileNotFoundInStorageException(location);
    } catch (IOException | RuntimeException e) {
      throw new StorageException("cannot open " + location + " for reading: "
          + Redaction.redact(String.valueOf(e.getMessage()), backend.config()), e);
    }
  }

  @Override
  public String toString() {
    return location;
  }
}
