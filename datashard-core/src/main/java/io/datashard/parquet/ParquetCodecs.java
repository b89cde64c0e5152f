package io.datashard.parquet;

import com.github.luben.zstd.Zstd;
import java.io.IOException;
import java.nio.ByteBuffer;
import org.apache.parquet.bytes.BytesInput;
import org.apache.parquet.compression.CompressionCodecFactory;
import org.apache.parquet.hadoop.CodecFactory;
import org.apache.parquet.hadoop.metadata.CompressionCodecName;

/**
 * The codecs DataShard's Parquet writer and reader use: zstd (the default codec), snappy and gzip called directly
 * (zstd-jni, snappy-java, java.util.zip), one call per page; any other codec through parquet-java's
 * {@link CodecFactory}.
 *
 * <p>parquet-java's zstd goes through Hadoop's {@code CodecPool}, which never pools its zstd compressors and so
 * logs {@code INFO CodecPool - Got brand-new compressor [.zstd]} for every file written or read: routine work that
 * a library must not log at INFO in its users' programs (gzip and snappy likewise, less often). Calling the codecs
 * directly writes the same standard zstd frames, raw snappy blocks and gzip members (readable by every Parquet
 * reader) without that detour. Levels follow parquet-java's setting
 * {@code parquet.compression.codec.zstd.level} (default 3).
 */
final class ParquetCodecs implements CompressionCodecFactory {
  static final String ZSTD_LEVEL = "parquet.compression.codec.zstd.level";
  private static final int DEFAULT_ZSTD_LEVEL = 3;

  private final CodecFactory others;
  private final int zstdLevel;

  ParquetCodecs(org.apache.hadoop.conf.Configuration conf, int pageSize) {
    this.others = new CodecFactory(conf, pageSize);
    this.zstdLevel = conf.getInt(ZSTD_LEVEL, DEFAULT_ZSTD_LEVEL);
  }

  @Override
  public BytesInputCompressor getCompressor(CompressionCodecName codec) {
    switch (codec) {
      case ZSTD: return new ZstdCompressor(zstdLevel);
      case SNAPPY: return new PageCompressor(codec, ParquetCodecs::snappy);
      case GZIP: return new PageCompressor(codec, ParquetCodecs::gzip);
      default: return others.getCompressor(codec);
    }
  }

  @Override
  public BytesInputDecompressor getDecompressor(CompressionCodecName codec) {
    switch (codec) {
      case ZSTD: return new ZstdDecompressor();
      case SNAPPY: return new PageDecompressor((in, size) -> org.xerial.snappy.Snappy.uncompress(in));
      case GZIP: return new PageDecompressor(ParquetCodecs::gunzip);
      default: return others.getDecompressor(codec);
    }
  }

  private interface PageCodec {
    byte[] apply(byte[] in) throws IOException;
  }

  private interface PageDecodec {
    byte[] apply(byte[] in, int uncompressedSize) throws IOException;
  }

  private static byte[] snappy(byte[] in) throws IOException {
    return org.xerial.snappy.Snappy.compress(in);
  }

  private static byte[] gzip(byte[] in) throws IOException {
    java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream(in.length / 2 + 64);
    try (java.util.zip.GZIPOutputStream z = new java.util.zip.GZIPOutputStream(out)) {
      z.write(in);
    }
    return out.toByteArray();
  }

  private static byte[] gunzip(byte[] in, int uncompressedSize) throws IOException {
    try (java.util.zip.GZIPInputStream z = new java.util.zip.GZIPInputStream(new java.io.ByteArrayInputStream(in))) {
      byte[] out = z.readNBytes(uncompressedSize);
      if (out.length != uncompressedSize) {
        throw new IOException("gzip page holds " + out.length + " bytes, not " + uncompressedSize);
      }
      return out;
    }
  }

  /** Snappy (raw blocks, as Parquet stores them) and gzip pages, one call per page. */
  private static final class PageCompressor implements BytesInputCompressor {
    private final CompressionCodecName codec;
    private final PageCodec compress;

    PageCompressor(CompressionCodecName codec, PageCodec compress) {
      this.codec = codec;
      this.compress = compress;
    }

    @Override
    public BytesInput compress(BytesInput bytes) throws IOException {
      return BytesInput.from(compress.apply(bytes.toByteArray()));
    }

    @Override
    public CompressionCodecName getCodecName() {
      return codec;
    }

    @Override
    public void release() {
    }
  }

  private static final class PageDecompressor implements BytesInputDecompressor {
    private final PageDecodec decompress;

    PageDecompressor(PageDecodec decompress) {
      this.decompress = decompress;
    }

    @Override
    public BytesInput decompress(BytesInput bytes, int uncompressedSize) throws IOException {
      return BytesInput.from(checked(decompress.apply(bytes.toByteArray(), uncompressedSize), uncompressedSize));
    }

    @Override
    public void decompress(ByteBuffer input, int compressedSize, ByteBuffer output, int uncompressedSize)
        throws IOException {
      byte[] in = new byte[compressedSize];
      input.duplicate().get(in);
      output.put(checked(decompress.apply(in, uncompressedSize), uncompressedSize));
    }

    private static byte[] checked(byte[] out, int expected) throws IOException {
      if (out.length != expected) {
        throw new IOException("page decompresses to " + out.length + " bytes, not " + expected);
      }
      return out;
    }

    @Override
    public void release() {
    }
  }

  @Override
  public void release() {
    others.release();
  }

  private static final class ZstdCompressor implements BytesInputCompressor {
    private final int level;

    ZstdCompressor(int level) {
      this.level = level;
    }

    @Override
    public BytesInput compress(BytesInput bytes) throws IOException {
      return BytesInput.from(Zstd.compress(bytes.toByteArray(), level));
    }

    @Override
    public CompressionCodecName getCodecName() {
      return CompressionCodecName.ZSTD;
    }

    @Override
    public void release() {
    }
  }

  private static final class ZstdDecompressor implements BytesInputDecompressor {
    @Override
    public BytesInput decompress(BytesInput bytes, int uncompressedSize) throws IOException {
      return BytesInput.from(decompress(bytes.toByteArray(), uncompressedSize));
    }

    @Override
    public void decompress(ByteBuffer input, int compressedSize, ByteBuffer output, int uncompressedSize)
        throws IOException {
      byte[] in = new byte[compressedSize];
      input.duplicate().get(in);
      output.put(decompress(in, uncompressedSize));
    }

    private static byte[] decompress(byte[] in, int uncompressedSize) throws IOException {
      byte[] out = new byte[uncompressedSize];
      long n = Zstd.decompressByteArray(out, 0, uncompressedSize, in, 0, in.length);
      if (Zstd.isError(n) || n != uncompressedSize) {
        throw new IOException("zstd page does not decompress to its " + uncompressedSize + " bytes"
            + (Zstd.isError(n) ? ": " + Zstd.getErrorName(n) : " (got " + n + ")"));
      }
      return out;
    }

    @Override
    public void release() {
    }
  }
}
