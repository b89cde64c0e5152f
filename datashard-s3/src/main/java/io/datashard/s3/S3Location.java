package io.datashard.s3;

import io.datashard.StorageException;

/** A parsed {@code s3://bucket/key} location ({@code s3a://} and {@code s3n://} are accepted too). */
record S3Location(String bucket, String key) {

  static S3Location parse(String location) {
    if (location == null) {
      throw new StorageException("location is null");
    }
    int schemeEnd = location.indexOf("://");
    String scheme = schemeEnd < 0 ? "" : location.substring(0, schemeEnd);
    if (!scheme.equals("s3") && !scheme.equals("s3a") && !scheme.equals("s3n")) {
      throw new StorageException("not an S3 location (expected s3://bucket/key): " + location);
    }
    String rest = location.substring(schemeEnd + 3);
    int slash = rest.indexOf('/');
    String bucket = slash < 0 ? rest : rest.substring(0, slash);
    String key = slash < 0 ? "" : rest.substring(slash + 1);
    if (bucket.isEmpty()) {
      throw new StorageException("S3 location has no bucket: " + location);
    }
    return new S3Location(bucket, key);
  }

  /** @return the key, which must not be empty (an object, not the bucket root) */
  String objectKey(String location) {
    if (key.isEmpty() || key.endsWith("/")) {
      throw new StorageException("S3 location does not name an object: " + location);
    }
    return key;
  }

  /** @return the key as a listing prefix: empty for the bucket root, else ending with '/' */
  String directoryPrefix() {
    if (key.isEmpty()) {
      return "";
    }
    return key.endsWith("/") ? key : key + "/";
  }

  String s3Uri(String k) {
    return "s3://" + bucket + "/" + k;
  }

  String s3aUri() {
    return "s3a://" + bucket + "/" + key;
  }
}
