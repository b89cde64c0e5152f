package io.datashard.server;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** Which clients are sent {@code signer.endpoint}: every client but an Iceberg one of version 1.12 or later. */
class RemoteSigningClientVersionTest {
  @Test
  void onlyIceberg112AndLaterFindTheSignEndpointThemselves() {
    assertThat(RemoteSigning.findsTheSignEndpointItself("Apache Iceberg 1.12.0 (commit 0123abc)")).isTrue();
    assertThat(RemoteSigning.findsTheSignEndpointItself("Apache Iceberg 1.13.1 (commit 0123abc)")).isTrue();
    assertThat(RemoteSigning.findsTheSignEndpointItself("Apache Iceberg 2.0.0 (commit 0123abc)")).isTrue();
    assertThat(RemoteSigning.findsTheSignEndpointItself("Apache Iceberg 1.11.0 (commit 0123abc)")).isFalse();
    assertThat(RemoteSigning.findsTheSignEndpointItself("Apache Iceberg 1.9.2 (commit 0123abc)")).isFalse();
    assertThat(RemoteSigning.findsTheSignEndpointItself("Apache Iceberg unspecified (commit unknown)")).isFalse();
    assertThat(RemoteSigning.findsTheSignEndpointItself("PyIceberg 0.10.0")).isFalse();
    assertThat(RemoteSigning.findsTheSignEndpointItself("")).isFalse();
    assertThat(RemoteSigning.findsTheSignEndpointItself(null)).isFalse();
  }
}
