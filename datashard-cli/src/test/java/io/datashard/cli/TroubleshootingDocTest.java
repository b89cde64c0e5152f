package io.datashard.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * docs/troubleshooting.md is checked against the real messages: each error below is produced by running the
 * command line as a user would, and its text must match a message of the guide (a backticked first cell, where
 * {@code ...} and {@code <placeholder>} stand for any text and a lone capital N, K or M for a number).
 */
class TroubleshootingDocTest {
  @TempDir
  Path dir;

  private static Path repoRoot() {
    Path p = Path.of(System.getProperty("user.dir")).toAbsolutePath();
    while (p != null && !Files.exists(p.resolve("docs/troubleshooting.md"))) {
      p = p.getParent();
    }
    if (p == null) {
      throw new IllegalStateException("docs/troubleshooting.md not found above " + System.getProperty("user.dir"));
    }
    return p;
  }

  /** @return one regex per message the guide lists */
  static List<Pattern> documentedMessages() throws Exception {
    List<Pattern> out = new ArrayList<>();
    Matcher row = Pattern.compile("(?m)^\\| `([^`]+)`").matcher(Files.readString(
        repoRoot().resolve("docs/troubleshooting.md")));
    while (row.find()) {
      out.add(toRegex(row.group(1)));
    }
    return out;
  }

  static Pattern toRegex(String template) {
    StringBuilder re = new StringBuilder();
    Matcher m = Pattern.compile("\\.\\.\\.|<[^>]+>|\\b[NKM]\\b|'[^']*'").matcher(template);
    int last = 0;
    while (m.find()) {
      re.append(Pattern.quote(template.substring(last, m.start())));
      String token = m.group();
      if (token.equals("...") || token.startsWith("<")) {
        re.append(".*");
      } else if (token.startsWith("'")) {
        re.append("'[^']*'"); // names in the guide are examples
      } else {
        re.append("\\d+");
      }
      last = m.end();
    }
    re.append(Pattern.quote(template.substring(last)));
    return Pattern.compile(".*" + re + ".*", Pattern.DOTALL);
  }

  private static String error(Cli.Result r) {
    assertThat(r.code()).as(r.toString()).isNotZero();
    String err = r.err().trim();
    return err.startsWith("datashard: error: ") ? err.substring("datashard: error: ".length()) : err;
  }

  @Test
  void realMessagesAreTheOnesTheGuideDocuments() throws Exception {
    List<Pattern> documented = documentedMessages();
    assertThat(documented).hasSizeGreaterThan(30);
    Path warehouse = dir.resolve("warehouse");
    Cli cli = new Cli(warehouse);
    List<String> messages = new ArrayList<>();
    messages.add(error(cli.run("scan", "x")));
    messages.add(error(new Cli(dir.resolve("nowhere")).run("tables")));
    assertThat(cli.run("create", "x", "id long not null, ts timestamptz, colour string").code()).isZero();
    messages.add(error(cli.run("create", "x", "id long not null")));
    messages.add(error(cli.run("create", "a..b", "id long")));
    messages.add(error(cli.run("scan", "x", "--snapshot", "123")));
    Path csv = dir.resolve("file.csv");
    Files.writeString(csv, "id,ts\n1,2024-05-01T00:00:00Z\n2,yesterday\n");
    messages.add(error(cli.run("append", "x", csv.toString())));
    assertThat(cli.run("append", "x", writeCsv("ok.csv", "id,ts\n1,2024-05-01T00:00:00Z\n")).code()).isZero();
    messages.add(error(cli.run("scan", "x", "--as-of", "2000-01-01")));
    messages.add(error(cli.run("append", "x", writeCsv("b/file.csv", "id,shade\n1,red\n"))));
    messages.add(error(cli.run("append", "x", writeCsv("c/file.csv", "colour\nred\n"))));
    messages.add(error(cli.run("create", "y", "id long, name string", "-p", "day(name)")));
    messages.add(error(cli.run("scan", "x", "--where", "id = 'x'")));
    messages.add(error(cli.run("scan", "x", "--where", "id = ")));
    messages.add(error(cli.run("presign", "x")));

    List<String> undocumented = new ArrayList<>();
    for (String msg : messages) {
      if (documented.stream().noneMatch(p -> p.matcher(msg).matches())) {
        undocumented.add(msg);
      }
    }
    assertThat(undocumented).as("messages missing from docs/troubleshooting.md (or worded differently there)")
        .isEmpty();
  }

  private String writeCsv(String name, String content) throws Exception {
    Path p = dir.resolve(name);
    Files.createDirectories(p.getParent());
    Files.writeString(p, content);
    return p.toString();
  }
}
