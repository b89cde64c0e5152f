package io.datashard.types;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.datashard.Field;
import io.datashard.ListType;
import io.datashard.MapType;
import io.datashard.Schema;
import io.datashard.StructType;
import io.datashard.Type;
import io.datashard.TypeVisitor;
import io.datashard.Types;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The rule that keeps per-type code from rotting when a type is added: a {@code switch} over {@link Type.Id} in
 * main code either decides every kind explicitly (a primitive dispatch) or is a nested-kind dispatch that names
 * exactly {@code STRUCT}, {@code LIST} and {@code MAP} (everything else being a primitive leaf). Adding a kind to
 * {@link Type.Id} therefore fails this test, naming every switch that has not decided what to do with it; walks
 * of the type tree go through {@link TypeVisitor}.
 */
class TypeDispatchTest {
  /** Any switch: one over type kinds is recognised by its labels (the selector may be {@code t.id()}, {@code kinds[i]}). */
  private static final Pattern SWITCH = Pattern.compile("switch \\(([^;{]*?)\\) \\{");
  private static final Pattern LABEL = Pattern.compile("\\bcase ([A-Z_, \\n]+?)\\s*(?::|->)");
  private static final Set<String> NESTED = Set.of("STRUCT", "LIST", "MAP");

  @Test
  void everySwitchOverTypeKindsDecidesEveryKind() throws IOException {
    Set<String> kinds = Arrays.stream(Type.Id.values()).map(Enum::name).collect(Collectors.toSet());
    Path root = Paths.get("").toAbsolutePath().getParent();
    List<Path> sources;
    try (Stream<Path> s = Files.walk(root, 12)) {
      sources = s.filter(p -> p.toString().endsWith(".java") && p.toString().contains("/src/main/java/")
          && root.relativize(p).getName(0).toString().startsWith("datashard-")).collect(Collectors.toList());
    }
    List<String> problems = new ArrayList<>();
    int switches = 0;
    for (Path p : sources) {
      String src = Files.readString(p);
      Matcher m = SWITCH.matcher(src);
      while (m.find()) {
        Set<String> labels = labels(topLevelBody(src, m.end()));
        if (labels.size() < 2 || !kinds.containsAll(labels)) {
          continue; // a switch over another enum, or over strings
        }
        switches++;
        boolean nestedDispatch = labels.equals(NESTED);
        if (!nestedDispatch && !labels.equals(kinds)) {
          Set<String> missing = new LinkedHashSet<>(kinds);
          missing.removeAll(labels);
          problems.add(root.relativize(p) + ":" + line(src, m.start()) + " does not decide " + missing);
        }
      }
    }
    assertTrue(switches > 20, "the scan found the switches over type kinds (" + switches + ")");
    assertEquals(List.of(), problems);
  }

  @Test
  void visitorSeesEveryFieldWithItsChildrenFirst() {
    Schema schema = Schema.builder()
        .required("id", Types.LONG)
        .optional("payload", Types.struct(Field.optional("tags", Types.list(Types.STRING)),
            Field.optional("attrs", Types.map(Types.STRING, Types.struct(Field.required("n", Types.INT))))))
        .build();
    List<String> order = new ArrayList<>();
    String shape = TypeVisitor.visit(schema, new TypeVisitor<String>() {
      @Override
      public void enter(Field field) {
        order.add(field.name());
      }

      @Override
      public String schema(Schema s, List<String> columns) {
        return String.join(", ", columns);
      }

      @Override
      public String struct(Field field, StructType struct, List<String> fields) {
        return field.name() + "{" + String.join(", ", fields) + "}";
      }

      @Override
      public String list(Field field, ListType list, String element) {
        return field.name() + "[" + element + "]";
      }

      @Override
      public String map(Field field, MapType map, String key, String value) {
        return field.name() + "<" + key + ", " + value + ">";
      }

      @Override
      public String primitive(Field field) {
        return field.name() + ":" + field.id();
      }
    });
    Field tags = schema.field("payload.tags");
    assertEquals("id:1, payload{tags[element:" + tags.type().asList().elementField().id() + "], attrs<key:"
        + schema.field("payload.attrs").type().asMap().keyField().id() + ", value{n:"
        + schema.field("payload.attrs").type().asMap().valueField().type().asStruct().fields().get(0).id() + "}>}",
        shape);
    assertEquals(List.of("id", "payload", "tags", "element", "attrs", "key", "value", "n"), order);
  }

  private static String topLevelBody(String src, int start) {
    StringBuilder top = new StringBuilder();
    int depth = 1;
    for (int i = start; depth > 0 && i < src.length(); i++) {
      char c = src.charAt(i);
      if (c == '{') {
        depth++;
      } else if (c == '}') {
        depth--;
      } else if (depth == 1) {
        top.append(c);
      }
    }
    return top.toString();
  }

  private static Set<String> labels(String body) {
    Set<String> out = new LinkedHashSet<>();
    Matcher m = LABEL.matcher(body);
    while (m.find()) {
      for (String l : m.group(1).split(",")) {
        out.add(l.trim());
      }
    }
    return out;
  }

  private static int line(String src, int offset) {
    return (int) src.substring(0, offset).chars().filter(c -> c == '\n').count() + 1;
  }
}
