package io.datashard.parquet;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import org.junit.jupiter.api.Test;

class BoundTruncationTest {
  @Test
  void shortValuesAreKept() {
    assertThat(BoundTruncation.truncateStringMin("abc", 16)).isEqualTo("abc");
    assertThat(BoundTruncation.truncateStringMax("a".repeat(16), 16)).isEqualTo("a".repeat(16));
    ByteBuffer b = ByteBuffer.wrap(new byte[16]);
    assertThat(BoundTruncation.truncateBinaryMax(b, 16)).isEqualTo(b);
  }

  @Test
  void truncationCountsCodePointsNotChars() {
    String emoji = "\uD83D\uDE00"; // one code point, two chars
    String s = emoji.repeat(17);
    assertThat(BoundTruncation.truncateStringMin(s, 16)).isEqualTo(emoji.repeat(16));
    // U+1F600 + 1 = U+1F601
    assertThat(BoundTruncation.truncateStringMax(s, 16)).isEqualTo(emoji.repeat(15) + "\uD83D\uDE01");
  }

  @Test
  void upperBoundSkipsSurrogatesAndCarriesOverMaxCodePoint() {
    assertThat(BoundTruncation.truncateStringMax("ab\uD7FFx", 3)).isEqualTo("ab\uE000");
    assertThat(BoundTruncation.truncateStringMax("a\uDBFF\uDFFFx", 2)).isEqualTo("b");
    assertThat(BoundTruncation.truncateStringMax("\uDBFF\uDFFF\uDBFF\uDFFFx", 2)).isNull();
  }

  @Test
  void binaryUpperBoundCarries() {
    ByteBuffer v = ByteBuffer.wrap(new byte[] {1, (byte) 0xFF, (byte) 0xFF, 5});
    assertThat(BoundTruncation.truncateBinaryMax(v, 3)).isEqualTo(ByteBuffer.wrap(new byte[] {2}));
    assertThat(BoundTruncation.truncateBinaryMin(v, 3)).isEqualTo(ByteBuffer.wrap(new byte[] {1, (byte) 0xFF,
        (byte) 0xFF}));
    assertThat(BoundTruncation.truncateBinaryMax(ByteBuffer.wrap(new byte[] {(byte) 0xFF, (byte) 0xFF, 0}), 2))
        .isNull();
  }
}
