package io.datashard.manifest;

import io.datashard.StorageException;
import io.datashard.storage.OutputFile;
import java.io.IOException;
import java.util.Map;
import org.apache.avro.Schema;
import org.apache.avro.file.CodecFactory;
import org.apache.avro.file.DataFileWriter;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.generic.GenericRecord;

/**
 * The writing side shared by {@link ManifestWriter} and {@link ManifestListWriter} (the twin of
 * {@link AvroMetadataFile}): one Avro file with Iceberg's deflate codec and key-value metadata, records appended
 * one by one, the byte count, an idempotent close, and every failure as a {@link StorageException} naming the file.
 */
final class AvroMetadataSink {
  private final String location;
  private final String kind;
  private final CountingOutputStream out;
  private final DataFileWriter<GenericRecord> writer;
  private boolean closed;

  /**
   * @param file the new file
   * @param schema the records' schema
   * @param meta the file's key-value metadata, in order
   * @param kind what the file is, for messages ("manifest", "manifest list")
   * @throws StorageException when the file cannot be created (nothing is left open)
   */
  AvroMetadataSink(OutputFile file, Schema schema, Map<String, String> meta, String kind) {
    this.location = file.location();
    this.kind = kind;
    DataFileWriter<GenericRecord> w = new DataFileWriter<>(new GenericDatumWriter<>(schema));
    w.setCodec(CodecFactory.deflateCodec(ManifestWriter.DEFLATE_LEVEL));
    meta.forEach(w::setMeta);
    this.out = new CountingOutputStream(file.create());
    try {
      this.writer = w.create(schema, out);
    } catch (IOException | RuntimeException e) {
      try {
        out.close();
      } catch (IOException | RuntimeException suppressed) {
        e.addSuppressed(suppressed);
      }
      throw new StorageException("cannot create " + kind + " " + location + ": " + e.getMessage(), e);
    }
  }

  /**
   * @param record the next record
   * @throws IllegalStateException when closed
   * @throws StorageException when writing fails
   */
  void append(GenericRecord record) {
    if (closed) {
      throw new IllegalStateException(kind + " writer for " + location + " is closed");
    }
    try {
      writer.append(record);
    } catch (IOException | DataFileWriter.AppendWriteException e) {
      throw new StorageException("cannot write to " + kind + " " + location + ": " + e.getMessage(), e);
    }
  }

  /** @return whether {@link #close()} ran */
  boolean isClosed() {
    return closed;
  }

  /** @return the bytes written so far (the file's length once closed) */
  long length() {
    return out.count();
  }

  /**
   * Finishes the file.
   *
   * @return true when this call finished it, false when it was already closed
   * @throws StorageException when the file cannot be completed
   */
  boolean close() {
    if (closed) {
      return false;
    }
    closed = true;
    try {
      writer.close();
    } catch (IOException e) {
      throw new StorageException("cannot finish " + kind + " " + location + ": " + e.getMessage(), e);
    }
    return true;
  }
}
