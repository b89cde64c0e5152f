package io.datashard.storage;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Advisory writes (the version hint) replace the file whole, like writeAll, with or without fsync. */
class LocalStorageBackendAdvisoryWriteTest {
  @TempDir
  Path dir;

  @Test
  void advisoryWriteCreatesAndReplacesWholeFileWithoutLeftovers() throws Exception {
    for (boolean fsync : new boolean[] {true, false}) {
      Path root = dir.resolve("fsync-" + fsync);
      LocalStorageBackend storage = new LocalStorageBackend(root, fsync);
      String hint = storage.resolve(storage.root(), "t/metadata/version-hint.text");
      storage.writeAdvisory(hint, "9".getBytes(StandardCharsets.UTF_8));
      assertThat(new String(storage.readAll(hint), StandardCharsets.UTF_8)).isEqualTo("9");
      storage.writeAdvisory(hint, "10".getBytes(StandardCharsets.UTF_8));
      assertThat(new String(storage.readAll(hint), StandardCharsets.UTF_8)).isEqualTo("10");
      try (var files = Files.list(root.resolve("t/metadata"))) {
        assertThat(files.map(p -> p.getFileName().toString())).containsExactly("version-hint.text");
      }
    }
  }

  @Test
  void defaultAdvisoryWriteIsAWriteAll() {
    List<String> calls = new ArrayList<>();
    StorageBackend recording = (StorageBackend) java.lang.reflect.Proxy.newProxyInstance(
        getClass().getClassLoader(), new Class<?>[] {StorageBackend.class}, (proxy, method, args) -> {
          if (method.isDefault()) {
            return java.lang.reflect.InvocationHandler.invokeDefault(proxy, method, args);
          }
          calls.add(method.getName() + " " + args[0]);
          return null;
        });
    recording.writeAdvisory("s3://b/t/metadata/version-hint.text", new byte[] {'1'});
    assertThat(calls).containsExactly("writeAll s3://b/t/metadata/version-hint.text");
  }
}
