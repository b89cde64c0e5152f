package io.datashard.s3;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** Stores without If-None-Match support are detected and refused unless unsafe single-writer mode is chosen. */
class ConditionalWritesTest {

  private static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  @Test
  void storeAnswering501IsRefusedWithAClearError() {
    try (S3ProxyServer server = S3ProxyServer.start(); CountingS3Proxy proxy = CountingS3Proxy.start(server.endpoint())) {
      proxy.conditionalWrites(CountingS3Proxy.ConditionalWrites.REJECT_501);
      try (S3StorageBackend b = new S3StorageBackend(server.configBuilder(proxy.endpoint()).prefix("wh").build())) {
        String v1 = b.root() + "/t/metadata/v1.metadata.json";
        assertThatThrownBy(() -> b.createExclusive(v1, bytes("x")))
            .isInstanceOf(ConditionalWritesUnsupportedException.class)
            .hasMessageContaining("If-None-Match").hasMessageContaining("DATASHARD_S3_CONDITIONAL_WRITES=unsafe-single-writer");
        assertThat(b.exists(v1)).isFalse();
        int before = proxy.total();
        assertThatThrownBy(() -> b.createExclusive(v1, bytes("x"))).isInstanceOf(ConditionalWritesUnsupportedException.class);
        assertThat(proxy.total()).isEqualTo(before); // the verdict is cached per backend
        b.writeAll(b.root() + "/t/data", bytes("plain writes still work"));
      }
      try (S3StorageBackend required = new S3StorageBackend(server.configBuilder(proxy.endpoint())
          .conditionalWrites(S3Config.ConditionalWriteMode.REQUIRED).build())) {
        assertThatThrownBy(() -> required.createExclusive(required.root() + "/v1", bytes("x")))
            .isInstanceOf(ConditionalWritesUnsupportedException.class);
      }
    }
  }

  @Test
  void storeIgnoringTheHeaderIsDetectedByTheProbe() {
    // Without authentication the proxy may strip the signed header: a store that silently ignores it.
    try (S3ProxyServer server = S3ProxyServer.builder().authenticate(false).start();
         CountingS3Proxy proxy = CountingS3Proxy.start(server.endpoint())) {
      proxy.conditionalWrites(CountingS3Proxy.ConditionalWrites.STRIP);
      try (S3StorageBackend b = new S3StorageBackend(server.configBuilder(proxy.endpoint()).prefix("wh").build())) {
        String v1 = b.root() + "/t/metadata/v1.metadata.json";
        assertThatThrownBy(() -> b.createExclusive(v1, bytes("x")))
            .isInstanceOf(ConditionalWritesUnsupportedException.class).hasMessageContaining("does not honour If-None-Match");
        assertThat(b.exists(v1)).isFalse();
        assertThat(b.list(b.root())).as("probe objects are cleaned up").isEmpty();
      }
      try (S3StorageBackend unsafe = new S3StorageBackend(server.configBuilder(proxy.endpoint()).prefix("wh")
          .conditionalWrites(S3Config.ConditionalWriteMode.UNSAFE_SINGLE_WRITER).build())) {
        String v1 = unsafe.root() + "/t/metadata/v1.metadata.json";
        assertThat(unsafe.createExclusive(v1, bytes("first"))).isTrue();
        assertThat(unsafe.createExclusive(v1, bytes("second"))).isFalse();
        assertThat(unsafe.readAll(v1)).isEqualTo(bytes("first"));
      }
    }
  }

  @Test
  void unsafeModeStillUsesConditionalWritesWhenTheStoreHasThem() {
    try (S3ProxyServer server = S3ProxyServer.start(); CountingS3Proxy proxy = CountingS3Proxy.start(server.endpoint())) {
      try (S3StorageBackend b = new S3StorageBackend(server.configBuilder(proxy.endpoint())
          .conditionalWrites(S3Config.ConditionalWriteMode.UNSAFE_SINGLE_WRITER).build())) {
        assertThat(b.createExclusive(b.root() + "/v1", bytes("x"))).isTrue();
        proxy.reset();
        assertThat(b.createExclusive(b.root() + "/v1", bytes("y"))).isFalse();
        assertThat(proxy.requests()).singleElement().satisfies(r -> {
          assertThat(r.type()).isEqualTo("PUT");
          assertThat(r.hasHeader("if-none-match")).isTrue();
        });
      }
    }
  }

  @Test
  void sseHeadersAreSent() {
    try (S3ProxyServer server = S3ProxyServer.start(); CountingS3Proxy proxy = CountingS3Proxy.start(server.endpoint())) {
      try (S3StorageBackend b = new S3StorageBackend(server.configBuilder(proxy.endpoint())
          .sseMode(S3Config.SseMode.SSE_S3).conditionalWrites(S3Config.ConditionalWriteMode.REQUIRED).build())) {
        // S3Proxy's support for SSE headers is not what is tested here: it may accept or refuse the request,
        // but a refusal must be the store's answer, not a failure of ours before or after sending.
        storeAnswered(() -> b.writeAll(b.root() + "/x", bytes("x")));
        assertThat(proxy.requests()).filteredOn(r -> r.type().equals("PUT")).isNotEmpty()
            .allSatisfy(r -> assertThat(r.headers()).containsEntry("x-amz-server-side-encryption", "AES256"));
      }
      proxy.reset();
      try (S3StorageBackend b = new S3StorageBackend(server.configBuilder(proxy.endpoint()).sseKms("key-1")
          .conditionalWrites(S3Config.ConditionalWriteMode.REQUIRED).build())) {
        storeAnswered(() -> b.writeAll(b.root() + "/y", bytes("y")));
        assertThat(proxy.requests()).filteredOn(r -> r.type().equals("PUT")).isNotEmpty()
            .allSatisfy(r -> assertThat(r.headers()).containsEntry("x-amz-server-side-encryption", "aws:kms")
                .containsEntry("x-amz-server-side-encryption-aws-kms-key-id", "key-1"));
      }
      proxy.reset();
      try (S3StorageBackend b = new S3StorageBackend(server.configBuilder(proxy.endpoint()).sseC(S3ConfigTest.SSE_C_KEY)
          .allowInsecureSseC(true).conditionalWrites(S3Config.ConditionalWriteMode.REQUIRED).build())) {
        storeAnswered(() -> b.writeAll(b.root() + "/z", bytes("z")));
        storeAnswered(() -> b.readAll(b.root() + "/z"));
        storeAnswered(() -> b.exists(b.root() + "/z"));
        assertThat(proxy.requests()).isNotEmpty().allSatisfy(r -> assertThat(r.headers())
            .containsEntry("x-amz-server-side-encryption-customer-algorithm", "AES256")
            .containsKey("x-amz-server-side-encryption-customer-key-md5"));
      }
    }
  }

  /**
   * Runs a call whose request S3Proxy may refuse (it does not implement every SSE mode): it either succeeds
   * or fails with the StorageException that reports the store's refusal; any other failure is ours.
   */
  private static void storeAnswered(org.assertj.core.api.ThrowableAssert.ThrowingCallable call) {
    Throwable t = org.assertj.core.api.Assertions.catchThrowable(call);
    if (t != null) {
      assertThat(t).as("failure of an SSE request").isInstanceOf(io.datashard.StorageException.class)
          .hasMessageMatching("(?s).*\\b[45]\\d\\d\\b.*");
      System.out.println("ConditionalWritesTest: the store refused: " + t.getMessage());
    }
  }
}
