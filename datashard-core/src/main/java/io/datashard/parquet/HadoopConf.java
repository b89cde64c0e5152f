package io.datashard.parquet;

import org.apache.hadoop.conf.Configuration;

/**
 * The one Hadoop {@link Configuration} every Parquet reader and writer of this package shares.
 *
 * <p>Creating a {@code Configuration} is slow (class loading, resource scanning), and parquet-java needs one
 * only to look up codecs and a few tuning keys, so a single instance is created lazily on first use and
 * reused. It is built without the default resources ({@code core-default.xml}), which DataShard does not
 * need. The instance is immutable by convention: code in this package only reads it and never passes it to an
 * API that sets keys (such as {@code ParquetWriter.Builder#config}). Reads of a {@code Configuration} are
 * thread-safe.
 */
final class HadoopConf {
  private HadoopConf() {
  }

  private static final class Holder {
    static final Configuration SHARED = new Configuration(false);
  }

  /** @return the shared configuration; never modify it */
  static Configuration shared() {
    return Holder.SHARED;
  }
}
