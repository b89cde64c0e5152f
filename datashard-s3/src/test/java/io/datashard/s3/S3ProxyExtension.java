package io.datashard.s3;

import java.net.URI;
import org.gaul.s3proxy.blobstore.BlobStore;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * One in-process S3 server (S3Proxy on 127.0.0.1, a free port) for all tests of a class: register it with
 * {@code @RegisterExtension static final S3ProxyExtension server = new S3ProxyExtension();}. It starts before the
 * first test and stops after the last, so tests set up nothing themselves.
 */
public final class S3ProxyExtension implements BeforeAllCallback, AfterAllCallback {
  private S3ProxyServer server;

  @Override
  public void beforeAll(ExtensionContext context) {
    server = S3ProxyServer.start();
  }

  @Override
  public void afterAll(ExtensionContext context) {
    if (server != null) {
      server.close();
      server = null;
    }
  }

  /** @return the running server */
  public S3ProxyServer server() {
    if (server == null) {
      throw new IllegalStateException("the S3 server runs only between the first and the last test of the class");
    }
    return server;
  }

  /** @return the server's endpoint */
  public URI endpoint() {
    return server().endpoint();
  }

  /** @return the server's bucket */
  public String bucket() {
    return server().bucket();
  }

  /** @return the underlying store */
  public BlobStore blobStore() {
    return server().blobStore();
  }

  /** @return a config builder for the server's bucket and credentials */
  public S3Config.Builder configBuilder() {
    return server().configBuilder();
  }

  /** @param via an endpoint in front of the server @return a config builder reached through it */
  public S3Config.Builder configBuilder(URI via) {
    return server().configBuilder(via);
  }

  /**
   * @param prefix the warehouse prefix inside the bucket (a fresh one per test keeps tests apart)
   * @return a new backend on the server's bucket below {@code prefix}; the caller closes it
   */
  public S3StorageBackend backend(String prefix) {
    return new S3StorageBackend(configBuilder().prefix(prefix).build());
  }
}
