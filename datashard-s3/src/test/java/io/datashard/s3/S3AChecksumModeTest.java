package io.datashard.s3;

import static org.assertj.core.api.Assertions.assertThat;

import io.datashard.Table;
import io.datashard.TestSchemas;
import io.datashard.Warehouse;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Data files written through S3A follow DATASHARD_S3_CHECKSUM_MODE like metadata objects do. */
class S3AChecksumModeTest {
  @ParameterizedTest
  @EnumSource(S3Config.ChecksumMode.class)
  void dataFileUploadsFollowTheChecksumMode(S3Config.ChecksumMode mode) {
    try (S3ProxyServer server = S3ProxyServer.start();
         CountingS3Proxy proxy = CountingS3Proxy.start(server.endpoint());
         Warehouse wh = Warehouse.of(new S3StorageBackend(server.configBuilder(proxy.endpoint()).prefix("ck")
             .checksumMode(mode).build()))) {
      Table t = wh.createTable("t", TestSchemas.EVENTS);
      proxy.reset();
      t.appendRecords(List.of(TestSchemas.event(1, "a", 1.0)));
      List<CountingS3Proxy.Request> dataPuts = proxy.requests().stream()
          .filter(r -> r.type().equals("PUT") && r.path().endsWith(".parquet")).toList();
      assertThat(dataPuts).hasSize(1);
      boolean checksummed = dataPuts.get(0).headers().keySet().stream()
          .anyMatch(h -> h.startsWith("x-amz-checksum-") || h.equals("x-amz-trailer")
              || h.equals("x-amz-sdk-checksum-algorithm"));
      assertThat(checksummed).as("%s: headers %s", mode, dataPuts.get(0).headers().keySet())
          .isEqualTo(mode == S3Config.ChecksumMode.WHEN_SUPPORTED);
      assertThat(t.scan().count()).as(mode.name().toLowerCase(Locale.ROOT)).isEqualTo(1);
    }
  }
}
