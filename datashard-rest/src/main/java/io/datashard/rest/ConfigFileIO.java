package io.datashard.rest;

import java.util.Map;
import org.apache.iceberg.io.FileIO;
import org.apache.iceberg.io.InputFile;
import org.apache.iceberg.io.OutputFile;

/**
 * The {@code io-impl} given to Iceberg's REST client: it does no I/O (DataShard reads and writes every file
 * through its own storage backends) and only keeps the properties the client hands it, which include what the
 * catalog's load-table response configures for the table (vended {@code s3.*} credentials).
 */
public final class ConfigFileIO implements FileIO {
  private volatile Map<String, String> properties = Map.of();

  @Override
  public void initialize(Map<String, String> props) {
    this.properties = Map.copyOf(props);
  }

  @Override
  public Map<String, String> properties() {
    return properties;
  }

  @Override
  public InputFile newInputFile(String path) {
    throw new UnsupportedOperationException("DataShard reads table files through its storage backend: " + path);
  }

  @Override
  public OutputFile newOutputFile(String path) {
    throw new UnsupportedOperationException("DataShard writes table files through its storage backend: " + path);
  }

  @Override
  public void deleteFile(String path) {
    throw new UnsupportedOperationException("DataShard deletes table files through its storage backend: " + path);
  }

  @Override
  public String toString() {
    return "ConfigFileIO"; // never the properties: they may hold credentials
  }
}
