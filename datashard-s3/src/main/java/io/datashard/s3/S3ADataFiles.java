package io.datashard.s3;

import io.datashard.StorageException;
import io.datashard.storage.InputFile;
import io.datashard.storage.OutputFile;
import io.datashard.storage.RangeCache;
import java.io.IOException;
import java.net.URI;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import org.apache.hadoop.fs.FileSystem;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.s3.model.HeadObjectResponse;

/**
 * Data files streamed through Hadoop S3A: one S3A file system per bucket, created on first use, and, with the
 * classic read stream, the {@link RangeCache} in front of the reads of Parquet files (bounded by
 * {@link S3Config#readMemoryLimitBytes()}). Metadata objects do not come through here; they go through the SDK
 * client of {@link S3StorageBackend}.
 */
final class S3ADataFiles implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(S3ADataFiles.class);

  private final S3Config config;
  private final S3Errors errors;
  private final S3Retry retry;
  private final Function<String, HeadObjectResponse> headExisting;
  private final Map<String, FileSystem> fileSystems = new ConcurrentHashMap<>();
  /** Ranges of data files read, with the classic stream; null when off or when the analytics stream caches. */
  private final RangeCache readCache;

  /**
   * @param headExisting one HEAD of an object that must exist (throws when it does not)
   */
  S3ADataFiles(S3Config config, S3Errors errors, S3Retry retry, Function<String, HeadObjectResponse> headExisting) {
    this.config = config;
    this.errors = errors;
    this.retry = retry;
    this.headExisting = headExisting;
    this.readCache = config.readStream() == S3Config.ReadStream.CLASSIC && config.readMemoryLimitBytes() > 0
        ? new RangeCache(config.readMemoryLimitBytes()) : null;
  }

  /** @param length the length when known (from a manifest), else -1 for one HEAD on first need */
  InputFile newInputFile(String location, long length) {
    S3AInputFile file = new S3AInputFile(this, location, length);
    return readCache != null && location.endsWith(".parquet") ? readCache.wrap(file) : file;
  }

  OutputFile newOutputFile(String location) {
    S3Location.parse(location).objectKey(location);
    return new S3AOutputFile(this, location);
  }

  Optional<RangeCache> readCache() {
    return Optional.ofNullable(readCache);
  }

  S3Config config() {
    return config;
  }

  HeadObjectResponse head(String location) {
    return headExisting.apply(location);
  }

  /** @return the S3A file system of a bucket, created on first use */
  FileSystem fileSystem(String bucket) {
    retry.checkOpen();
    return fileSystems.computeIfAbsent(bucket, b -> {
      try {
        return FileSystem.newInstance(URI.create("s3a://" + b + "/"), S3AConfigurations.hadoopConfiguration(config));
      } catch (IOException | RuntimeException e) {
        throw new StorageException("cannot start the S3A file system for bucket " + b + " at "
            + errors.endpointDescription() + ": " + Redaction.redact(String.valueOf(e.getMessage()), config), e);
      }
    });
  }

  @Override
  public void close() {
    for (FileSystem fs : fileSystems.values()) {
      try {
        fs.close();
      } catch (IOException | RuntimeException e) {
        LOG.debug("closing the S3A file system failed: {}", Redaction.redact(String.valueOf(e.getMessage()), config));
      }
    }
    fileSystems.clear();
    if (readCache != null) {
      readCache.clear();
    }
  }
}
