package io.datashard.s3;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.datashard.StorageException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.slf4j.LoggerFactory;

/** Permanent errors tell the user what to fix, and no secret reaches a message, a cause or a log line. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class S3ErrorsAndRedactionTest {
  private static final String WRONG_SECRET = "wrong-secret-DO-NOT-PRINT-6f1c2b";
  private S3ProxyServer server;
  private ListAppender<ILoggingEvent> logs;
  private Level savedRoot;

  @BeforeAll
  void start() {
    server = S3ProxyServer.start();
  }

  @AfterAll
  void stop() {
    server.close();
  }

  @BeforeEach
  void captureLogs() {
    Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
    savedRoot = root.getLevel();
    root.setLevel(Level.DEBUG); // everything, including Hadoop and the SDK at DEBUG
    ((Logger) LoggerFactory.getLogger("io.datashard")).setLevel(Level.DEBUG);
    logs = new ListAppender<>();
    logs.start();
    root.addAppender(logs);
  }

  @AfterEach
  void releaseLogs() {
    Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
    root.detachAppender(logs);
    root.setLevel(savedRoot);
    ((Logger) LoggerFactory.getLogger("io.datashard")).setLevel(Level.INFO);
  }

  private String allLogText() {
    return logText(false);
  }

  /**
   * @param withoutHttpWire leave out Apache HttpClient's own header and wire DEBUG loggers, which print every
   *     request header verbatim (including an SSE-C key; see docs/s3.md)
   */
  private String logText(boolean withoutHttpWire) {
    return logs.list.stream().filter(e -> !withoutHttpWire || !e.getLoggerName().startsWith("org.apache.http"))
        .map(e -> e.getFormattedMessage() + " " + (e.getThrowableProxy() == null ? ""
        : e.getThrowableProxy().getMessage())).collect(Collectors.joining("\n"));
  }

  private static String fullTrace(Throwable t) {
    StringWriter w = new StringWriter();
    t.printStackTrace(new PrintWriter(w));
    return w.toString();
  }

  private S3Config.Builder fastFail(S3Config.Builder b) {
    return b.retryDelays(Duration.ofMillis(1), Duration.ofMillis(5));
  }

  @Test
  void wrongSecretKey() {
    S3Config config = fastFail(server.configBuilder().credentials(S3ProxyServer.ACCESS_KEY, WRONG_SECRET)).build();
    try (S3StorageBackend b = new S3StorageBackend(config)) {
      Throwable t = org.assertj.core.api.Assertions.catchThrowable(() -> b.readAll(config.root() + "/x"));
      assertThat(t).isInstanceOf(StorageException.class).hasMessageContaining("DATASHARD_S3_SECRET_KEY");
      assertThat(fullTrace(t)).doesNotContain(WRONG_SECRET);
      assertThatThrownBy(() -> b.createExclusive(config.root() + "/v1.metadata.json", new byte[1]))
          .isInstanceOf(StorageException.class).hasMessageContaining("DATASHARD_S3_SECRET_KEY");
      Throwable data = org.assertj.core.api.Assertions.catchThrowable(() -> b.newInputFile(config.root() + "/x", 10).newStream().read());
      assertThat(data).isNotNull();
      assertThat(fullTrace(data)).doesNotContain(WRONG_SECRET);
    }
    assertThat(allLogText()).doesNotContain(WRONG_SECRET);
  }

  @Test
  void unknownAccessKey() {
    S3Config config = fastFail(server.configBuilder().credentials("NOSUCHACCESSKEY", WRONG_SECRET)).build();
    try (S3StorageBackend b = new S3StorageBackend(config)) {
      Throwable t = org.assertj.core.api.Assertions.catchThrowable(() -> b.list(config.root()));
      assertThat(t).isInstanceOf(StorageException.class).hasMessageContaining("DATASHARD_S3_ACCESS_KEY")
          .hasMessageContaining("NOSU****").hasMessageNotContaining("NOSUCHACCESSKEY");
      assertThat(fullTrace(t)).doesNotContain(WRONG_SECRET);
    }
    assertThat(allLogText()).doesNotContain(WRONG_SECRET);
  }

  @Test
  void missingBucket() {
    S3Config config = fastFail(server.configBuilder().bucket("no-such-bucket")).build();
    try (S3StorageBackend b = new S3StorageBackend(config)) {
      assertThatThrownBy(() -> b.readAll("s3://no-such-bucket/x")).isInstanceOf(StorageException.class)
          .hasMessageContaining("no-such-bucket").hasMessageContaining("does not exist").hasMessageContaining("DATASHARD_S3_BUCKET");
      assertThatThrownBy(() -> b.writeAll("s3://no-such-bucket/x", new byte[1])).hasMessageContaining("does not exist");
      assertThatThrownBy(() -> b.list("s3://no-such-bucket/t")).hasMessageContaining("does not exist");
      assertThatThrownBy(() -> b.createExclusive("s3://no-such-bucket/v1", new byte[1])).hasMessageContaining("does not exist");
    }
  }

  @Test
  void nothingListening() throws Exception {
    int port;
    try (java.net.ServerSocket s = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      port = s.getLocalPort();
    }
    S3Config config = fastFail(server.configBuilder(java.net.URI.create("http://127.0.0.1:" + port))).maxAttempts(2).build();
    try (S3StorageBackend b = new S3StorageBackend(config)) {
      assertThatThrownBy(() -> b.readAll(config.root() + "/x")).isInstanceOf(StorageException.class)
          .hasMessageContaining("cannot connect").hasMessageContaining("DATASHARD_S3_ENDPOINT");
    }
  }

  @Test
  void secretsStayOutOfLogsAndToStringOnTheHappyPathToo() throws Exception {
    String sseC = S3ConfigTest.SSE_C_KEY;
    S3Config config = server.configBuilder().prefix("redaction").sseC(sseC).allowInsecureSseC(true).build();
    try (S3StorageBackend b = new S3StorageBackend(config)) {
      assertThat(b.toString()).doesNotContain(S3ProxyServer.SECRET_KEY).doesNotContain(sseC);
      // S3Proxy may or may not implement SSE-C; whatever happens, no secret may leak.
      Throwable t = org.assertj.core.api.Assertions.catchThrowable(() -> {
        b.writeAll(config.root() + "/x", "v".getBytes(StandardCharsets.UTF_8));
        b.readAll(config.root() + "/x");
        try (var out = b.newOutputFile(config.root() + "/d.bin").create()) {
          out.write(1);
        }
      });
      if (t != null) {
        assertThat(fullTrace(t)).doesNotContain(S3ProxyServer.SECRET_KEY).doesNotContain(sseC);
      }
    }
    // The secret key is never sent (SigV4 signs with it), so it appears nowhere, even in wire logs.
    assertThat(allLogText()).contains("S3 storage backend").doesNotContain(S3ProxyServer.SECRET_KEY);
    // The SSE-C key is a request header: only Apache HttpClient's wire/header DEBUG loggers can print it.
    assertThat(logText(true)).doesNotContain(sseC);
  }

  /**
   * A store that rejects the SDK's checksums (Ceph radosgw answers XAmzContentSHA256Mismatch under
   * when_supported) is told which variable to change; the probe's failure reads as a sentence.
   */
  @Test
  void checksumRejectionNamesTheVariableToChange() {
    S3Config config = server.configBuilder().build();
    try (S3StorageBackend b = new S3StorageBackend(config)) {
      software.amazon.awssdk.services.s3.model.S3Exception rejected =
          (software.amazon.awssdk.services.s3.model.S3Exception) software.amazon.awssdk.services.s3.model.S3Exception
              .builder().statusCode(400).message("The provided 'x-amz-content-sha256' header does not match")
              .awsErrorDetails(software.amazon.awssdk.awscore.exception.AwsErrorDetails.builder()
                  .errorCode("XAmzContentSHA256Mismatch").errorMessage("mismatch").build()).build();
      String message = b.translate("conditional-write probe", config.root() + "/.datashard-probe-x", rejected)
          .getMessage();
      assertThat(message).contains("rejected the request's checksum", "DATASHARD_S3_CHECKSUM_MODE=when_required",
          "for conditional-write probe s3://");
      String other = b.translate("conditional-write probe", config.root() + "/p",
          (software.amazon.awssdk.services.s3.model.S3Exception) software.amazon.awssdk.services.s3.model.S3Exception
              .builder().statusCode(500).awsErrorDetails(software.amazon.awssdk.awscore.exception.AwsErrorDetails
                  .builder().errorCode("InternalError").errorMessage("boom").build()).build()).getMessage();
      assertThat(other).startsWith("S3 conditional-write probe of s3://").doesNotContain("with of");
    }
  }
}
