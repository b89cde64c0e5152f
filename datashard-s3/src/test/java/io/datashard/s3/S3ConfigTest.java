package io.datashard.s3;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.datashard.DataShardException;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class S3ConfigTest {
  static final String SECRET = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY";
  static final String SSE_C_KEY = Base64.getEncoder().encodeToString("0123456789abcdef0123456789abcdef".getBytes());

  @Test
  void readsEveryVariable() {
    Map<String, String> env = new HashMap<>();
    env.put("DATASHARD_S3_ENDPOINT", "https://minio.example.com:9000/");
    env.put("DATASHARD_S3_ACCESS_KEY", "AKIAEXAMPLE");
    env.put("DATASHARD_S3_SECRET_KEY", SECRET);
    env.put("DATASHARD_S3_SESSION_TOKEN", "token-value-123");
    env.put("DATASHARD_S3_BUCKET", "lake");
    env.put("DATASHARD_S3_REGION", "eu-west-1");
    env.put("DATASHARD_S3_PREFIX", "/warehouse/prod/");
    env.put("DATASHARD_S3_PATH_STYLE", "false");
    env.put("DATASHARD_S3_SSE", "sse-kms");
    env.put("DATASHARD_S3_SSE_KMS_KEY_ID", "arn:aws:kms:eu-west-1:1:key/abc");
    env.put("DATASHARD_S3_CHECKSUM_MODE", "when-supported");
    env.put("DATASHARD_S3_CONDITIONAL_WRITES", "unsafe-single-writer");
    env.put("DATASHARD_S3_MAX_ATTEMPTS", "3");
    env.put("DATASHARD_S3_READ_STREAM", "analytics");
    env.put("DATASHARD_S3_READ_MEMORY_MB", "64");
    S3Config c = S3Config.fromEnvironment(env);
    assertThat(c.endpoint()).hasToString("https://minio.example.com:9000");
    assertThat(c.ssl()).isTrue();
    assertThat(c.accessKey()).isEqualTo("AKIAEXAMPLE");
    assertThat(c.secretKey()).isEqualTo(SECRET);
    assertThat(c.sessionToken()).isEqualTo("token-value-123");
    assertThat(c.bucket()).isEqualTo("lake");
    assertThat(c.region()).isEqualTo("eu-west-1");
    assertThat(c.prefix()).isEqualTo("warehouse/prod");
    assertThat(c.root()).isEqualTo("s3://lake/warehouse/prod");
    assertThat(c.pathStyle()).isFalse();
    assertThat(c.sseMode()).isEqualTo(S3Config.SseMode.SSE_KMS);
    assertThat(c.sseKmsKeyId()).isEqualTo("arn:aws:kms:eu-west-1:1:key/abc");
    assertThat(c.checksumMode()).isEqualTo(S3Config.ChecksumMode.WHEN_SUPPORTED);
    assertThat(c.conditionalWrites()).isEqualTo(S3Config.ConditionalWriteMode.UNSAFE_SINGLE_WRITER);
    assertThat(c.maxAttempts()).isEqualTo(3);
    assertThat(c.readStream()).isEqualTo(S3Config.ReadStream.ANALYTICS);
    assertThat(c.readMemoryLimitBytes()).isEqualTo(64L << 20);
    assertThat(c.toString()).doesNotContain(SECRET).doesNotContain("token-value-123").doesNotContain("AKIAEXAMPLE")
        .contains("AKIA****").contains("lake");
  }

  @Test
  void defaults() {
    S3Config aws = S3Config.fromEnvironment(Map.of("DATASHARD_S3_BUCKET", "b"));
    assertThat(aws.endpoint()).isNull();
    assertThat(aws.region()).isEqualTo("us-east-1");
    assertThat(aws.prefix()).isEmpty();
    assertThat(aws.root()).isEqualTo("s3://b");
    assertThat(aws.hasStaticCredentials()).isFalse();
    assertThat(aws.ssl()).isTrue();
    assertThat(aws.pathStyle()).isFalse();
    assertThat(aws.sseMode()).isEqualTo(S3Config.SseMode.NONE);
    assertThat(aws.checksumMode()).isEqualTo(S3Config.ChecksumMode.WHEN_SUPPORTED);
    assertThat(aws.conditionalWrites()).isEqualTo(S3Config.ConditionalWriteMode.AUTO);
    assertThat(aws.toString()).contains("default-chain");
    assertThat(aws.readStream()).isEqualTo(S3Config.ReadStream.CLASSIC);
    long heapEighth = Runtime.getRuntime().maxMemory() / 8;
    assertThat(aws.readMemoryLimitBytes()).isBetween(32L << 20, 512L << 20)
        .isEqualTo(Math.max(32L << 20, Math.min(512L << 20, heapEighth)));

    S3Config local = S3Config.fromEnvironment(Map.of("DATASHARD_S3_BUCKET", "b", "DATASHARD_S3_ENDPOINT", "localhost:9000"));
    assertThat(local.endpoint()).hasToString("http://localhost:9000"); // loopback: plain HTTP by default
    assertThat(local.pathStyle()).isTrue();
    assertThat(local.checksumMode()).isEqualTo(S3Config.ChecksumMode.WHEN_REQUIRED);

    S3Config remote = S3Config.fromEnvironment(Map.of("DATASHARD_S3_BUCKET", "b", "DATASHARD_S3_ENDPOINT", "s3.example.net"));
    assertThat(remote.endpoint()).hasToString("https://s3.example.net"); // TLS by default for non-loopback
    S3Config plain = S3Config.fromEnvironment(Map.of("DATASHARD_S3_BUCKET", "b", "DATASHARD_S3_ENDPOINT", "s3.example.net",
        "DATASHARD_S3_SSL", "false"));
    assertThat(plain.endpoint()).hasToString("http://s3.example.net");
    assertThat(plain.ssl()).isFalse();
  }

  /** What tombstone removal adds to twice the base age on S3 (docs/concurrency.md, "Removing old tombstones"). */
  @Test
  void theLongestCallCountsEveryAttemptAndTheDelaysBetween() {
    assertThat(S3Config.builder().bucket("b").build().longestCall()).isEqualTo(java.time.Duration.ofSeconds(445));
    assertThat(S3Config.builder().bucket("b").maxAttempts(2).build().longestCall())
        .isEqualTo(java.time.Duration.ofSeconds(145));
  }

  @Test
  void warehouseVariableSuppliesBucketAndPrefix() {
    S3Config c = S3Config.fromEnvironment(Map.of("DATASHARD_WAREHOUSE", "s3://lake/tables/x"));
    assertThat(c.bucket()).isEqualTo("lake");
    assertThat(c.prefix()).isEqualTo("tables/x");
  }

  @Test
  void badValuesNameTheVariable() {
    assertThatThrownBy(() -> S3Config.fromEnvironment(Map.of())).isInstanceOf(DataShardException.class)
        .hasMessageContaining("DATASHARD_S3_BUCKET");
    assertThatThrownBy(() -> S3Config.fromEnvironment(Map.of("DATASHARD_S3_BUCKET", "b", "DATASHARD_S3_PATH_STYLE", "maybe")))
        .hasMessageContaining("DATASHARD_S3_PATH_STYLE").hasMessageContaining("maybe");
    assertThatThrownBy(() -> S3Config.fromEnvironment(Map.of("DATASHARD_S3_BUCKET", "b", "DATASHARD_S3_SSE", "rot13")))
        .hasMessageContaining("DATASHARD_S3_SSE").hasMessageContaining("sse-kms");
    assertThatThrownBy(() -> S3Config.fromEnvironment(Map.of("DATASHARD_S3_BUCKET", "b", "DATASHARD_S3_CONDITIONAL_WRITES", "x")))
        .hasMessageContaining("unsafe-single-writer");
    assertThatThrownBy(() -> S3Config.fromEnvironment(Map.of("DATASHARD_S3_BUCKET", "b", "DATASHARD_S3_SECRET_KEY", SECRET)))
        .hasMessageContaining("DATASHARD_S3_ACCESS_KEY").message().doesNotContain(SECRET);
    assertThatThrownBy(() -> S3Config.fromEnvironment(Map.of("DATASHARD_S3_BUCKET", "b", "DATASHARD_S3_MAX_ATTEMPTS", "many")))
        .hasMessageContaining("DATASHARD_S3_MAX_ATTEMPTS");
    assertThatThrownBy(() -> S3Config.fromEnvironment(Map.of("DATASHARD_S3_BUCKET", "b", "DATASHARD_S3_READ_STREAM", "fast")))
        .hasMessageContaining("DATASHARD_S3_READ_STREAM").hasMessageContaining("classic, analytics");
    assertThatThrownBy(() -> S3Config.fromEnvironment(Map.of("DATASHARD_S3_BUCKET", "b", "DATASHARD_S3_READ_MEMORY_MB", "lots")))
        .hasMessageContaining("DATASHARD_S3_READ_MEMORY_MB");
    assertThatThrownBy(() -> S3Config.fromEnvironment(Map.of("DATASHARD_S3_BUCKET", "b", "DATASHARD_S3_READ_MEMORY_MB", "1")))
        .hasMessageContaining("at least 16 MiB");
    // 0 turns the classic stream's range cache off; the analytics stream cannot run without memory
    assertThat(S3Config.fromEnvironment(Map.of("DATASHARD_S3_BUCKET", "b", "DATASHARD_S3_READ_MEMORY_MB", "0"))
        .readMemoryLimitBytes()).isZero();
    assertThatThrownBy(() -> S3Config.fromEnvironment(Map.of("DATASHARD_S3_BUCKET", "b", "DATASHARD_S3_READ_MEMORY_MB", "0",
        "DATASHARD_S3_READ_STREAM", "analytics"))).hasMessageContaining("DATASHARD_S3_READ_MEMORY_MB");
    assertThatThrownBy(() -> S3Config.fromEnvironment(Map.of("DATASHARD_S3_BUCKET", "b",
        "DATASHARD_S3_ENDPOINT", "https://x.example", "DATASHARD_S3_SSL", "false"))).hasMessageContaining("contradicts");
    assertThatThrownBy(() -> S3Config.fromEnvironment(Map.of("DATASHARD_S3_BUCKET", "b", "DATASHARD_S3_ENDPOINT", "ftp://x")))
        .hasMessageContaining("http");
  }

  @Test
  void sseCNeedsTlsAndAValidKeyAndIsNeverPrinted() {
    assertThatThrownBy(() -> S3Config.builder().bucket("b").endpoint("http://s3.example.net").sseC(SSE_C_KEY).build())
        .hasMessageContaining("TLS").message().doesNotContain(SSE_C_KEY);
    // allowed over plain HTTP only for loopback test servers, and only when asked
    assertThatThrownBy(() -> S3Config.builder().bucket("b").endpoint("http://127.0.0.1:9000").sseC(SSE_C_KEY).build())
        .hasMessageContaining("TLS");
    assertThatThrownBy(() -> S3Config.builder().bucket("b").endpoint("http://s3.example.net").sseC(SSE_C_KEY)
        .allowInsecureSseC(true).build()).hasMessageContaining("TLS");
    S3Config ok = S3Config.builder().bucket("b").endpoint("http://127.0.0.1:9000").sseC(SSE_C_KEY).allowInsecureSseC(true).build();
    assertThat(ok.toString()).doesNotContain(SSE_C_KEY).contains("customerKey=****");
    S3Config tls = S3Config.fromEnvironment(Map.of("DATASHARD_S3_BUCKET", "b", "DATASHARD_S3_SSE", "sse-c",
        "DATASHARD_S3_SSE_C_KEY", SSE_C_KEY));
    assertThat(tls.sseCustomerKey()).isEqualTo(SSE_C_KEY);
    assertThat(tls.toString()).doesNotContain(SSE_C_KEY);
    assertThatThrownBy(() -> S3Config.builder().bucket("b").sseC("c2hvcnQ=").build()).hasMessageContaining("256 bits");
    assertThatThrownBy(() -> S3Config.builder().bucket("b").sseC("not base64!").build()).hasMessageContaining("base64");
    assertThatThrownBy(() -> S3Config.builder().bucket("b").sseCustomerKey(SSE_C_KEY).build())
        .hasMessageContaining("DATASHARD_S3_SSE=sse-c").message().doesNotContain(SSE_C_KEY);
  }

  @Test
  void toBuilderRoundTrips() {
    S3Config c = S3Config.builder().bucket("b").endpoint("http://127.0.0.1:1").credentials("a", SECRET).prefix("p")
        .sseMode(S3Config.SseMode.SSE_S3).listPageSize(10).readStream(S3Config.ReadStream.ANALYTICS)
        .readMemoryLimitBytes(100L << 20).build();
    S3Config d = c.toBuilder().build();
    assertThat(d.toString()).isEqualTo(c.toString());
    assertThat(d.readStream()).isEqualTo(S3Config.ReadStream.ANALYTICS);
    assertThat(d.readMemoryLimitBytes()).isEqualTo(100L << 20);
    assertThat(d.secretKey()).isEqualTo(SECRET);
  }
}
