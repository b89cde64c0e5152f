package io.datashard.examples;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.datashard.DataShard;
import io.datashard.Warehouse;
import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.IOException;
import java.io.PrintStream;
import java.io.StringWriter;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.net.URI;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import javax.tools.Diagnostic;
import javax.tools.DiagnosticCollector;
import javax.tools.JavaCompiler;
import javax.tools.JavaFileObject;
import javax.tools.SimpleJavaFileObject;
import javax.tools.StandardJavaFileManager;
import javax.tools.StandardLocation;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every {@code ```java} block of {@code README.md} and {@code docs/*.md} compiles against this module's test class
 * path and runs, twice, on a fresh local warehouse (the second run on the warehouse the first one left behind, as
 * when a user runs an example again).
 *
 * <p>Conventions, written as HTML comments (invisible when the markdown is rendered) on the lines right before
 * a fence:
 * <ul>
 *   <li>A block that declares a class is compiled as it is and its {@code main} run. Any other block is bare
 *   statements: leading {@code import} lines stay imports, the rest becomes the body of a {@code main} method, with
 *   {@code io.datashard.*}, {@code io.datashard.expressions.*}, the static {@code Expressions.*},
 *   {@code java.util.*} and {@code java.time.*} imported.</li>
 *   <li>{@code <!-- snippet: skip REASON -->}: not compiled (a JShell transcript, a signature); listed with its
 *   reason in the test output.</li>
 *   <li>{@code <!-- snippet: compile-only REASON -->}: compiled, not run (it needs a server or an endpoint).</li>
 *   <li>{@code <!-- snippet: given NAME -->}: the statements of {@code <!-- snippet-setup NAME ... -->} (a
 *   multi-line comment anywhere in the same file) run before the block, declaring what the block takes for
 *   granted (a {@code table}, a {@code schema}). Setups must be re-runnable too.</li>
 * </ul>
 * An unmarked block must compile and run; a marker that is not followed by a block fails the test.
 */
class DocSnippetsTest {
  private static final Pattern FENCE = Pattern.compile("^\\s*```\\s*(\\S*).*$");
  private static final Pattern MARKER = Pattern.compile("^<!--\\s*snippet:\\s*(skip|compile-only|given)\\s+(.+?)\\s*-->$");
  private static final Pattern SETUP = Pattern.compile("^<!--\\s*snippet-setup\\s+(\\S+)\\s*$");
  private static final Pattern CLASS_DECL =
      Pattern.compile("(?m)^(public\\s+|final\\s+|abstract\\s+)*(class|record|interface|enum)\\s+(\\w+)");
  private static final Pattern PACKAGE = Pattern.compile("(?m)^package\\s+([\\w.]+)\\s*;");
  private static final String IMPORTS = "import io.datashard.*; import io.datashard.expressions.*; "
      + "import static io.datashard.expressions.Expressions.*; import java.util.*; import java.time.*;";
  private static final List<String> SUMMARY = new ArrayList<>();
  private static final JavaCompiler JAVAC = ToolProvider.getSystemJavaCompiler();
  /** One file manager for every block: it opens the class path's jars once, not once per block. */
  private static StandardJavaFileManager files;

  @TempDir
  static Path work;

  /** One block of one markdown file, with what its markers say. */
  record Snippet(String file, int line, String code, String skip, String compileOnly, List<String> given,
      Map<String, String> setups) {
    String where() {
      return file + ":" + line;
    }
  }

  @TestFactory
  Stream<DynamicTest> everyJavaBlockCompilesAndRunsTwice() throws IOException {
    List<Snippet> snippets = snippets(repoRoot());
    SUMMARY.add(snippets.size() + " ```java blocks found");
    return snippets.stream().map(s -> DynamicTest.dynamicTest(s.where(), () -> check(s)));
  }

  /** Guards against a parser that finds nothing and so passes vacuously: the README's "Use it" block is there. */
  @Test
  void theReadmeExampleIsFoundAndRun() throws IOException {
    List<Snippet> readme = snippets(repoRoot()).stream().filter(s -> s.file().equals("README.md")).toList();
    assertThat(readme).anyMatch(s -> s.code().contains("DataShard.") && s.code().contains("newAppend")
        && s.skip() == null && s.compileOnly() == null);
  }

  /** The checks themselves: a block that does not compile, or fails on its second run, fails the test. */
  @Test
  void brokenBlocksAndStrayMarkersFail() {
    List<Snippet> blocks = parse("x.md", List.of("```java", "undeclared.run();", "```", "",
        "```java", "DataShard.createTable(\"t\", Schema.builder().required(\"id\", Types.LONG).build());", "```"));
    assertThat(blocks).hasSize(2);
    assertThatThrownBy(() -> check(blocks.get(0))).hasMessageContaining("x.md:1 does not compile")
        .hasMessageContaining("cannot find symbol");
    assertThatThrownBy(() -> check(blocks.get(1))).hasMessageContaining("x.md:5 failed on run 2 of 2")
        .hasMessageContaining("TableAlreadyExistsException");
    assertThatThrownBy(() -> parse("y.md", List.of("<!-- snippet: skip why -->", "text", "```java", "```")))
        .hasMessageContaining("y.md:1: a snippet marker not followed by a ```java block");
  }

  @AfterAll
  static void printSummary() throws IOException {
    DataShard.setWarehouse(null);
    if (files != null) {
      files.close();
    }
    System.out.println("Documentation snippets:\n  " + String.join("\n  ", SUMMARY));
  }

  private void check(Snippet s) throws Exception {
    if (s.skip() != null) {
      SUMMARY.add("skipped   " + s.where() + ": " + s.skip());
      Assumptions.abort("skipped in the markdown: " + s.skip());
    }
    String source = source(s);
    String className = className(source, s);
    Path classes = Files.createDirectories(work.resolve("classes-" + s.file().replace('/', '_') + "-" + s.line()));
    compile(s, className, source, classes);
    if (s.compileOnly() != null) {
      SUMMARY.add("compiled  " + s.where() + " (not run: " + s.compileOnly() + ")");
      return;
    }
    Path dir = Files.createDirectories(work.resolve("warehouse-" + s.file().replace('/', '_') + "-" + s.line()));
    for (int run = 1; run <= 2; run++) {
      run(s, className, classes, dir, run);
    }
    SUMMARY.add("ran twice " + s.where());
  }

  /** The compilation unit for a block: itself when it declares a class, else its statements wrapped in main. */
  static String source(Snippet s) {
    StringBuilder imports = new StringBuilder(IMPORTS).append('\n');
    StringBuilder body = new StringBuilder();
    for (String name : s.given()) {
      String setup = s.setups().get(name);
      assertThat(setup).as(s.where() + ": no <!-- snippet-setup " + name + " --> in " + s.file()).isNotNull();
      split(setup, imports, body);
    }
    if (CLASS_DECL.matcher(s.code()).find()) {
      assertThat(s.given()).as(s.where() + ": a class declaration cannot take a setup").isEmpty();
      return s.code();
    }
    split(s.code(), imports, body);
    return imports + "public class Snippet {\n  public static void main(String[] args) throws Exception {\n"
        + body + "  }\n}\n";
  }

  private static void split(String code, StringBuilder imports, StringBuilder body) {
    boolean head = true;
    for (String line : code.split("\n", -1)) {
      if (head && (line.startsWith("import ") || line.isBlank())) {
        imports.append(line).append('\n');
      } else {
        head = false;
        body.append(line).append('\n');
      }
    }
  }

  private static String className(String source, Snippet s) {
    Matcher c = CLASS_DECL.matcher(source);
    assertThat(c.find()).as(s.where()).isTrue();
    Matcher p = PACKAGE.matcher(source);
    return (p.find() ? p.group(1) + "." : "") + c.group(3);
  }

  private static void compile(Snippet s, String className, String source, Path classes) throws IOException {
    assertThat(JAVAC).as("this Java has a compiler").isNotNull();
    if (files == null) {
      files = JAVAC.getStandardFileManager(null, null, StandardCharsets.UTF_8);
      List<Path> classPath = new ArrayList<>();
      for (String entry : System.getProperty("java.class.path").split(File.pathSeparator)) {
        classPath.add(Path.of(entry));
      }
      files.setLocationFromPaths(StandardLocation.CLASS_PATH, classPath);
    }
    files.setLocationFromPaths(StandardLocation.CLASS_OUTPUT, List.of(classes));
    DiagnosticCollector<JavaFileObject> diagnostics = new DiagnosticCollector<>();
    String simpleName = className.substring(className.lastIndexOf('.') + 1);
    JavaFileObject file = new SimpleJavaFileObject(URI.create("string:///" + simpleName + ".java"),
        JavaFileObject.Kind.SOURCE) {
      @Override
      public CharSequence getCharContent(boolean ignoreEncodingErrors) {
        return source;
      }
    };
    List<String> options = List.of("-proc:none", "-nowarn", "-Xlint:none");
    if (!JAVAC.getTask(new StringWriter(), files, diagnostics, options, null, List.of(file)).call()) {
      StringBuilder why = new StringBuilder(s.where() + " does not compile:\n");
      for (Diagnostic<? extends JavaFileObject> d : diagnostics.getDiagnostics()) {
        if (d.getKind() == Diagnostic.Kind.ERROR) {
          why.append("  line ").append(d.getLineNumber()).append(": ").append(d.getMessage(null)).append('\n');
        }
      }
      throw new AssertionError(why.append("generated source:\n").append(numbered(source)).toString());
    }
  }

  private static void run(Snippet s, String className, Path classes, Path dir, int run) throws Exception {
    PrintStream stdout = System.out;
    PrintStream stderr = System.err;
    ByteArrayOutputStream captured = new ByteArrayOutputStream();
    Warehouse warehouse = Warehouse.local(dir);
    DataShard.setWarehouse(warehouse);
    try (URLClassLoader loader = new URLClassLoader(new URL[] {classes.toUri().toURL()},
        DocSnippetsTest.class.getClassLoader())) {
      Method main = loader.loadClass(className).getMethod("main", String[].class);
      PrintStream capture = new PrintStream(captured, true, StandardCharsets.UTF_8);
      System.setOut(capture);
      System.setErr(capture);
      main.invoke(null, (Object) new String[0]);
    } catch (InvocationTargetException e) {
      System.setOut(stdout);
      System.setErr(stderr);
      throw new AssertionError(s.where() + " failed on run " + run + " of 2 with " + e.getCause() + "\noutput:\n"
          + captured.toString(StandardCharsets.UTF_8) + "\nsource:\n" + numbered(source(s)), e.getCause());
    } finally {
      System.setOut(stdout);
      System.setErr(stderr);
      DataShard.setWarehouse(null);
      warehouse.close();
    }
  }

  private static String numbered(String source) {
    StringBuilder b = new StringBuilder();
    String[] lines = source.split("\n", -1);
    for (int i = 0; i < lines.length; i++) {
      b.append(String.format("%4d  %s%n", i + 1, lines[i]));
    }
    return b.toString();
  }

  /** The repository root: the nearest directory upwards from the working directory with README.md and docs/. */
  static Path repoRoot() {
    for (Path d = Path.of("").toAbsolutePath(); d != null; d = d.getParent()) {
      if (Files.isRegularFile(d.resolve("README.md")) && Files.isDirectory(d.resolve("docs"))) {
        return d;
      }
    }
    throw new IllegalStateException("no README.md and docs/ above " + Path.of("").toAbsolutePath());
  }

  static List<Snippet> snippets(Path root) throws IOException {
    List<Path> files = new ArrayList<>(List.of(root.resolve("README.md")));
    try (Stream<Path> docs = Files.list(root.resolve("docs"))) {
      docs.filter(p -> p.toString().endsWith(".md")).sorted().forEach(files::add);
    }
    List<Snippet> all = new ArrayList<>();
    for (Path f : files) {
      all.addAll(parse(root.relativize(f).toString().replace(File.separatorChar, '/'), Files.readAllLines(f)));
    }
    return all;
  }

  /** The {@code ```java} blocks of one markdown file, with their markers; fails on a marker without a block. */
  static List<Snippet> parse(String file, List<String> lines) {
    Map<String, String> setups = new LinkedHashMap<>();
    for (int i = 0; i < lines.size(); i++) {
      Matcher m = SETUP.matcher(lines.get(i).trim());
      if (m.matches()) {
        StringBuilder code = new StringBuilder();
        for (i++; i < lines.size() && !lines.get(i).trim().equals("-->"); i++) {
          code.append(lines.get(i)).append('\n');
        }
        setups.put(m.group(1), code.toString());
      }
    }
    List<Snippet> out = new ArrayList<>();
    String skip = null;
    String compileOnly = null;
    List<String> given = new ArrayList<>();
    int markerLine = -1;
    for (int i = 0; i < lines.size(); i++) {
      String line = lines.get(i);
      Matcher marker = MARKER.matcher(line.trim());
      Matcher fence = FENCE.matcher(line);
      if (marker.matches()) {
        markerLine = i + 1;
        switch (marker.group(1)) {
          case "skip" -> skip = marker.group(2);
          case "compile-only" -> compileOnly = marker.group(2);
          default -> given.addAll(List.of(marker.group(2).split("\\s*,\\s*")));
        }
      } else if (SETUP.matcher(line.trim()).matches()) {
        while (i < lines.size() && !lines.get(i).trim().equals("-->")) {
          i++;
        }
      } else if (fence.matches()) {
        int start = i + 1;
        StringBuilder code = new StringBuilder();
        for (i++; i < lines.size() && !lines.get(i).trim().equals("```"); i++) {
          code.append(lines.get(i)).append('\n');
        }
        if (fence.group(1).equals("java")) {
          out.add(new Snippet(file, start, code.toString(), skip, compileOnly, List.copyOf(given), setups));
        } else {
          assertThat(markerLine).as(file + ":" + markerLine + ": a snippet marker before a ```"
              + fence.group(1) + " block").isEqualTo(-1);
        }
        skip = null;
        compileOnly = null;
        given.clear();
        markerLine = -1;
      } else if (!line.isBlank()) {
        assertThat(markerLine).as(file + ":" + markerLine + ": a snippet marker not followed by a ```java block")
            .isEqualTo(-1);
      }
    }
    assertThat(markerLine).as(file + ":" + markerLine + ": a snippet marker at the end of the file").isEqualTo(-1);
    return out;
  }
}
