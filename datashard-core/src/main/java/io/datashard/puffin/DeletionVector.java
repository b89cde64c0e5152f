package io.datashard.puffin;

import io.datashard.CorruptMetadataException;
import io.datashard.StorageException;
import io.datashard.storage.InputFile;
import io.datashard.storage.SeekableInputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.zip.CRC32;
import org.roaringbitmap.RoaringBitmap;

/**
 * The {@code deletion-vector-v1} blob of the Iceberg spec (format version 3): the deleted row positions of one data
 * file. Layout, as the spec defines it: the length of the magic and vector (4 bytes, big-endian), the magic
 * {@code D1 D3 39 64}, the vector as a portable 64-bit Roaring bitmap (an 8-byte little-endian count of 32-bit
 * bitmaps, then for each its 4-byte little-endian key, the high half of the positions, and the bitmap of the low
 * halves in Roaring's portable serialization), and the CRC-32 of the magic and vector (4 bytes, big-endian). The
 * blob is never compressed. Stateless.
 */
public final class DeletionVector {
  private static final byte[] MAGIC = {(byte) 0xD1, (byte) 0xD3, 0x39, 0x64};
  /** A vector larger than this is refused as corrupt (2 GiB is the most a Java array holds anyway). */
  private static final long MAX_BLOB = Integer.MAX_VALUE - 16;

  private DeletionVector() {
  }

  /**
   * Reads one deletion vector from its Puffin file.
   *
   * @param file the Puffin file
   * @param offset where the blob starts ({@code content_offset} of its manifest entry)
   * @param length the blob's length ({@code content_size_in_bytes})
   * @param expectedCardinality the positions the manifest says it holds ({@code record_count}), or -1 to skip
   *     that check
   * @return the deleted positions, ascending
   * @throws CorruptMetadataException when the blob is not a valid deletion vector or disagrees with its entry
   */
  public static long[] read(InputFile file, long offset, long length, long expectedCardinality) {
    if (offset < 0 || length < 12 || length > MAX_BLOB) {
      throw new CorruptMetadataException(file.location(), "deletion vector at offset " + offset + " has length "
          + length + ", which no deletion-vector-v1 blob has");
    }
    byte[] blob = new byte[(int) length];
    try (SeekableInputStream in = file.newStream()) {
      in.seek(offset);
      in.readFully(blob, 0, blob.length);
    } catch (IOException e) {
      throw new StorageException("cannot read the deletion vector at offset " + offset + " of " + file.location()
          + ": " + e.getMessage(), e);
    }
    long[] positions = decode(blob, file.location() + " at offset " + offset);
    if (expectedCardinality >= 0 && positions.length != expectedCardinality) {
      throw new CorruptMetadataException(file.location(), "the deletion vector at offset " + offset + " holds "
          + positions.length + " positions but its manifest entry counts " + expectedCardinality);
    }
    return positions;
  }

  /**
   * @param blob a whole {@code deletion-vector-v1} blob
   * @param where the blob's file and offset, for messages
   * @return its positions, ascending
   * @throws CorruptMetadataException when it is not a valid blob (length, magic, checksum or bitmap)
   */
  public static long[] decode(byte[] blob, String where) {
    ByteBuffer b = ByteBuffer.wrap(blob);
    int declared = b.order(ByteOrder.BIG_ENDIAN).getInt(0);
    if (declared != blob.length - 8) {
      throw corrupt(where, "its length prefix says " + declared + " bytes of magic and vector, the blob has "
          + (blob.length - 8));
    }
    if (!Arrays.equals(Arrays.copyOfRange(blob, 4, 8), MAGIC)) {
      throw corrupt(where, "it does not start with the deletion-vector-v1 magic D1 D3 39 64");
    }
    CRC32 crc = new CRC32();
    crc.update(blob, 4, declared);
    int stored = b.order(ByteOrder.BIG_ENDIAN).getInt(blob.length - 4);
    if ((int) crc.getValue() != stored) {
      throw corrupt(where, "its CRC-32 does not match (damaged file)");
    }
    ByteBuffer vector = ByteBuffer.wrap(blob, 8, declared - 4).slice().order(ByteOrder.LITTLE_ENDIAN);
    try {
      return positions(vector, where);
    } catch (IOException | RuntimeException e) {
      throw new CorruptMetadataException(where, "deletion vector bitmap is not a valid portable Roaring bitmap ("
          + e.getMessage() + ")", e);
    }
  }

  private static long[] positions(ByteBuffer vector, String where) throws IOException {
    long bitmaps = vector.getLong();
    if (bitmaps < 0 || bitmaps > vector.remaining() / 4) {
      throw corrupt(where, "its bitmap count " + bitmaps + " does not fit the blob");
    }
    long[] out = new long[16];
    int size = 0;
    long lastKey = -1;
    for (long i = 0; i < bitmaps; i++) {
      long key = Integer.toUnsignedLong(vector.getInt());
      if (key <= lastKey) {
        throw corrupt(where, "its bitmap keys are not ascending");
      }
      lastKey = key;
      RoaringBitmap low = new RoaringBitmap();
      low.deserialize(vector);
      vector.position(vector.position() + low.serializedSizeInBytes());
      long count = low.getLongCardinality();
      if (size + count > Integer.MAX_VALUE - 8) {
        throw corrupt(where, "it holds more positions than one data file can have");
      }
      if (size + count > out.length) {
        out = Arrays.copyOf(out, (int) Math.max(size + count, Math.min(Integer.MAX_VALUE - 8L, out.length * 2L)));
      }
      long high = key << 32;
      // Iterates in unsigned order, so the positions come out ascending.
      for (org.roaringbitmap.IntIterator it = low.getIntIterator(); it.hasNext(); ) {
        out[size++] = high | Integer.toUnsignedLong(it.next());
      }
    }
    if (vector.hasRemaining()) {
      throw corrupt(where, vector.remaining() + " bytes follow the last bitmap");
    }
    return size == out.length ? out : Arrays.copyOf(out, size);
  }

  /**
   * Encodes positions as a {@code deletion-vector-v1} blob (run containers where they are smaller).
   *
   * @param positions deleted positions, ascending, without duplicates, none negative
   * @return the blob
   */
  public static byte[] encode(long[] positions) {
    java.util.List<Integer> keys = new java.util.ArrayList<>();
    java.util.List<RoaringBitmap> bitmaps = new java.util.ArrayList<>();
    for (int i = 0; i < positions.length; i++) {
      if (positions[i] < 0 || (i > 0 && positions[i] <= positions[i - 1])) {
        throw new IllegalArgumentException("positions must be ascending, distinct and not negative; position " + i
            + " is " + positions[i]);
      }
    }
    int i = 0;
    while (i < positions.length) {
      long p = positions[i];
      int key = (int) (p >>> 32);
      RoaringBitmap low = new RoaringBitmap();
      int start = i;
      while (i < positions.length && (int) (positions[i] >>> 32) == key) {
        i++;
      }
      int[] lows = new int[i - start];
      for (int j = start; j < i; j++) {
        lows[j - start] = (int) positions[j];
      }
      low.add(lows);
      low.runOptimize();
      keys.add(key);
      bitmaps.add(low);
    }
    int vectorSize = 8;
    for (RoaringBitmap b : bitmaps) {
      vectorSize += 4 + b.serializedSizeInBytes();
    }
    ByteBuffer out = ByteBuffer.allocate(4 + 4 + vectorSize + 4);
    out.order(ByteOrder.BIG_ENDIAN).putInt(4 + vectorSize);
    out.put(MAGIC);
    out.order(ByteOrder.LITTLE_ENDIAN).putLong(bitmaps.size());
    for (int k = 0; k < bitmaps.size(); k++) {
      out.putInt(keys.get(k));
      bitmaps.get(k).serialize(out);
    }
    CRC32 crc = new CRC32();
    crc.update(out.array(), 4, 4 + vectorSize);
    out.order(ByteOrder.BIG_ENDIAN).putInt((int) crc.getValue());
    return out.array();
  }

  private static CorruptMetadataException corrupt(String where, String problem) {
    return new CorruptMetadataException(where, "not a valid deletion vector: " + problem);
  }
}
