package io.datashard.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;

/**
 * Help texts are format strings to picocli: a bare {@code %} (as in {@code like 'prefix%'}) made
 * {@code datashard scan --help} print "[picocli WARN] Could not format ...". picocli's warning goes to a stream
 * captured when its class loads, so this test checks every description of every command for a {@code %} that is
 * not {@code %n} or {@code %%}, and renders every command's help.
 */
class HelpTextTest {

  @Test
  void everyHelpTextIsAValidFormatString() {
    ByteArrayOutputStream sink = new ByteArrayOutputStream();
    PrintStream out = new PrintStream(sink, true, StandardCharsets.UTF_8);
    CommandLine root = new CommandLine(new DataShardCli(Map.of(), out, out, false));
    List<String> bad = new ArrayList<>();
    List<CommandLine> all = new ArrayList<>();
    collect(root, all);
    for (CommandLine c : all) {
      CommandSpec spec = c.getCommandSpec();
      check(spec.qualifiedName(), spec.usageMessage().description(), bad);
      // the raw annotation texts (the model hands out option descriptions already interpolated)
      for (Class<?> k = spec.userObject().getClass(); k != null && k != Object.class; k = k.getSuperclass()) {
        for (java.lang.reflect.Field f : k.getDeclaredFields()) {
          CommandLine.Option o = f.getAnnotation(CommandLine.Option.class);
          if (o != null) {
            check(spec.qualifiedName() + " " + String.join("/", o.names()), o.description(), bad);
          }
          CommandLine.Parameters p = f.getAnnotation(CommandLine.Parameters.class);
          if (p != null) {
            check(spec.qualifiedName() + " " + p.paramLabel(), p.description(), bad);
          }
        }
      }
      String help = c.getUsageMessage();
      assertThat(help).as(spec.qualifiedName()).doesNotContain("Could not format");
    }
    assertThat(all).hasSizeGreaterThan(10);
    assertThat(bad).as("descriptions with a bare %% (write %%%% for a percent sign)").isEmpty();
  }

  private static void collect(CommandLine c, List<CommandLine> out) {
    out.add(c);
    c.getSubcommands().values().forEach(s -> collect(s, out));
  }

  private static void check(String where, String[] lines, List<String> bad) {
    for (String line : lines) {
      if (line.replace("%%", "").replace("%n", "").contains("%")) {
        bad.add(where + ": " + line);
      }
    }
  }
}
