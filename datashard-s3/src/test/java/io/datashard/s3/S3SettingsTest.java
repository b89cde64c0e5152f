package io.datashard.s3;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.datashard.DataShardException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** The settings of {@link S3Config} are described once: the documentation and the parser follow the description. */
class S3SettingsTest {

  @Test
  void docsTableListsEverySettingThatHasAVariableExactlyAsDescribed() throws IOException {
    Path doc = findDocs().resolve("s3.md");
    List<String> documented = Files.readAllLines(doc).stream()
        .filter(line -> line.startsWith("| `DATASHARD_S3_"))
        .collect(Collectors.toList());
    List<String> described = S3Config.settings().stream()
        .filter(s -> s.variable() != null)
        .map(S3Setting::documentationRow)
        .collect(Collectors.toList());
    assertThat(documented).as("rows of the environment table in " + doc + " (regenerate them from S3Config.settings())")
        .containsExactlyElementsOf(described);
  }

  @Test
  void everyVariableIsReadFromTheEnvironmentAndAMalformedOneIsNamed() {
    for (S3Setting<?> setting : S3Config.settings()) {
      if (setting.variable() == null || setting.type() == String.class) {
        continue;
      }
      Map<String, String> env = new HashMap<>();
      env.put(S3Config.ENV_BUCKET, "b");
      env.put(setting.variable(), "not-a-value");
      assertThatThrownBy(() -> S3Config.fromEnvironment(env)).as(setting.toString())
          .isInstanceOf(DataShardException.class)
          .hasMessageContaining(setting.variable())
          .hasMessageContaining("not-a-value");
    }
  }

  @Test
  void settingsHaveDistinctNamesAndVariables() {
    assertThat(S3Config.settings().stream().map(S3Setting::name)).doesNotHaveDuplicates();
    assertThat(S3Config.settings().stream().map(S3Setting::variable).filter(v -> v != null))
        .doesNotHaveDuplicates()
        .allMatch(v -> v.startsWith("DATASHARD_S3_"));
  }

  @Test
  void toBuilderKeepsWhatWasGivenAndDefaultsStayDerived() {
    S3Config config = S3Config.builder().bucket("b").endpoint("127.0.0.1:9000").maxAttempts(3)
        .credentials("AKIAEXAMPLE", "secret").readMemoryLimitBytes(0).build();
    S3Config copy = config.toBuilder().region("eu-west-1").build();
    assertThat(copy.maxAttempts()).isEqualTo(3);
    assertThat(copy.endpoint()).isEqualTo(config.endpoint());
    assertThat(copy.ssl()).isFalse();
    assertThat(copy.pathStyle()).isTrue();
    assertThat(copy.secretKey()).isEqualTo("secret");
    assertThat(copy.readMemoryLimitBytes()).isZero();
    assertThat(copy.region()).isEqualTo("eu-west-1");
    assertThat(config.region()).isEqualTo("us-east-1");
    assertThat(copy.listPageSize()).isEqualTo(1000);
    assertThat(copy.socketTimeout()).isEqualTo(java.time.Duration.ofSeconds(60));
  }

  private static Path findDocs() {
    for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
      if (Files.isRegularFile(dir.resolve("docs/s3.md"))) {
        return dir.resolve("docs");
      }
    }
    throw new IllegalStateException("no docs/s3.md above " + Path.of("").toAbsolutePath());
  }
}
