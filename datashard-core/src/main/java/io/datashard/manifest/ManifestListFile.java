package io.datashard.manifest;

import io.datashard.metadata.ManifestFile;
import java.util.List;
import java.util.Objects;

/**
 * A manifest list that was written: where it is, how long it is, and the manifests it lists exactly as
 * written (with sequence numbers and snapshot ids assigned). Immutable.
 *
 * @param location absolute location of the manifest list
 * @param length its size in bytes
 * @param manifests the manifests in list order, as a reader of the file will see them
 */
public record ManifestListFile(String location, long length, List<ManifestFile> manifests) {
  public ManifestListFile {
    Objects.requireNonNull(location, "location");
    manifests = List.copyOf(manifests);
  }
}
