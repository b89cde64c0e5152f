package io.datashard.commit;

import static org.assertj.core.api.Assertions.assertThat;

import io.datashard.Field;
import io.datashard.PartitionSpec;
import io.datashard.Schema;
import io.datashard.TableProperties;
import io.datashard.Types;
import io.datashard.metadata.TableMetadata;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Backoff bounds and the properties a user can set, including nonsense values. */
class RetryPolicyTest {
  static TableMetadata withProperties(Map<String, String> props) {
    return TableMetadata.newTable("/t", Schema.of(Field.required(1, "id", Types.LONG)), PartitionSpec.unpartitioned(),
        props, 0L);
  }

  @Test
  void ceilingDoublesFromMinUpToMax() {
    RetryPolicy p = new RetryPolicy(10, 5, 100, 1_000);
    assertThat(p.backoffCeilingMillis(1)).isEqualTo(5);
    assertThat(p.backoffCeilingMillis(2)).isEqualTo(10);
    assertThat(p.backoffCeilingMillis(3)).isEqualTo(20);
    assertThat(p.backoffCeilingMillis(5)).isEqualTo(80);
    assertThat(p.backoffCeilingMillis(6)).isEqualTo(100);
    assertThat(p.backoffCeilingMillis(1_000)).isEqualTo(100);
    assertThat(p.backoffCeilingMillis(Integer.MAX_VALUE)).isEqualTo(100);
    assertThat(p.backoffCeilingMillis(0)).isEqualTo(5);
    assertThat(p.backoffCeilingMillis(Integer.MIN_VALUE)).isEqualTo(5);
  }

  @Test
  void everyBackoffStaysWithinItsCeiling() {
    RetryPolicy p = new RetryPolicy(10, 5, 100, 1_000);
    for (int retry = -1; retry < 40; retry++) {
      for (int i = 0; i < 200; i++) {
        assertThat(p.backoffMillis(retry)).isBetween(0L, p.backoffCeilingMillis(retry));
      }
    }
  }

  @Test
  void hugeWaitSettingsDoNotOverflowIntoShortOrFailingWaits() {
    // min * 2^30 overflows a long: the ceiling must be the max, not the wrapped-around product
    RetryPolicy big = new RetryPolicy(10, 1L << 40, Long.MAX_VALUE / 2, 1_000);
    assertThat(big.backoffCeilingMillis(31)).isEqualTo(Long.MAX_VALUE / 2);
    assertThat(big.backoffCeilingMillis(100)).isEqualTo(Long.MAX_VALUE / 2);
    RetryPolicy max = new RetryPolicy(10, Long.MAX_VALUE, Long.MAX_VALUE, 1_000);
    assertThat(max.backoffCeilingMillis(1)).isEqualTo(Long.MAX_VALUE);
    assertThat(max.backoffMillis(5)).isNotNegative();
  }

  @Test
  void propertiesAreReadAndNonsenseFallsBackOrIsClamped() {
    assertThat(RetryPolicy.of(withProperties(Map.of()))).isEqualTo(new RetryPolicy(
        TableProperties.COMMIT_NUM_RETRIES_DEFAULT, TableProperties.COMMIT_MIN_RETRY_WAIT_MS_DEFAULT,
        TableProperties.COMMIT_MAX_RETRY_WAIT_MS_DEFAULT, TableProperties.COMMIT_TOTAL_RETRY_TIME_MS_DEFAULT));
    assertThat(RetryPolicy.of(withProperties(Map.of(TableProperties.COMMIT_NUM_RETRIES, " 3 ",
        TableProperties.COMMIT_MIN_RETRY_WAIT_MS, "7", TableProperties.COMMIT_MAX_RETRY_WAIT_MS, "70",
        TableProperties.COMMIT_TOTAL_RETRY_TIME_MS, "700")))).isEqualTo(new RetryPolicy(3, 7, 70, 700));
    assertThat(RetryPolicy.of(withProperties(Map.of(TableProperties.COMMIT_NUM_RETRIES, "-5",
        TableProperties.COMMIT_MIN_RETRY_WAIT_MS, "-1", TableProperties.COMMIT_MAX_RETRY_WAIT_MS, "0",
        TableProperties.COMMIT_TOTAL_RETRY_TIME_MS, "-9")))).isEqualTo(new RetryPolicy(0, 1, 1, 0));
    assertThat(RetryPolicy.of(withProperties(Map.of(TableProperties.COMMIT_NUM_RETRIES, "ten",
        TableProperties.COMMIT_MIN_RETRY_WAIT_MS, "1.5", TableProperties.COMMIT_MAX_RETRY_WAIT_MS, "",
        TableProperties.COMMIT_TOTAL_RETRY_TIME_MS, "99999999999999999999")))).isEqualTo(new RetryPolicy(
        TableProperties.COMMIT_NUM_RETRIES_DEFAULT, TableProperties.COMMIT_MIN_RETRY_WAIT_MS_DEFAULT,
        TableProperties.COMMIT_MAX_RETRY_WAIT_MS_DEFAULT, TableProperties.COMMIT_TOTAL_RETRY_TIME_MS_DEFAULT));
  }
}
