package io.datashard.server;

import io.datashard.table.TableNames;
import java.io.ByteArrayOutputStream;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.ByteBuffer;
import org.apache.iceberg.catalog.Namespace;
import org.apache.iceberg.catalog.TableIdentifier;
import org.apache.iceberg.exceptions.BadRequestException;

/**
 * Turns path segments and request fields into Iceberg names, refusing (400, before anything touches storage) every
 * name that could reach outside the warehouse: empty levels, {@code .} and {@code ..}, {@code /} and {@code \} (also
 * percent-encoded), NUL and other control characters, and anything else the library's table-name rule refuses
 * ({@code docs/catalog.md}, "How names map to folders").
 */
final class Names {
  /** Iceberg's namespace level separator in paths and query parameters (0x1F, sent as {@code %1F}). */
  static final char SEPARATOR = '\u001f';

  private Names() {
  }

  /**
   * Percent-decodes one path segment (UTF-8, strict; {@code +} stays {@code +}).
   *
   * @throws BadRequestException for a malformed escape or bytes that are not UTF-8
   */
  static String decodeSegment(String raw) {
    if (raw.indexOf('%') < 0) {
      return raw;
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream(raw.length());
    for (int i = 0; i < raw.length(); i++) {
      char c = raw.charAt(i);
      if (c == '%') {
        if (i + 2 >= raw.length()) {
          throw new BadRequestException("Malformed percent-encoding in the request path");
        }
        int hi = Character.digit(raw.charAt(i + 1), 16);
        int lo = Character.digit(raw.charAt(i + 2), 16);
        if (hi < 0 || lo < 0) {
          throw new BadRequestException("Malformed percent-encoding in the request path");
        }
        out.write(hi * 16 + lo);
        i += 2;
      } else {
        byte[] b = String.valueOf(c).getBytes(StandardCharsets.UTF_8);
        out.write(b, 0, b.length);
      }
    }
    try {
      return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(out.toByteArray())).toString();
    } catch (CharacterCodingException e) {
      throw new BadRequestException("The request path is not UTF-8");
    }
  }

  /** A namespace from its decoded path segment (levels separated by 0x1F); never empty. */
  static Namespace namespace(String decoded) {
    if (decoded.isEmpty()) {
      throw new BadRequestException("Invalid namespace: empty (the root namespace is not served over REST)");
    }
    Namespace ns = Namespace.of(decoded.split(String.valueOf(SEPARATOR), -1));
    check(ns);
    return ns;
  }

  /** A parent namespace from the {@code parent} query parameter: absent or empty is the root. */
  static Namespace parent(String decoded) {
    if (decoded == null || decoded.isEmpty()) {
      return Namespace.empty();
    }
    return namespace(decoded);
  }

  /** Checks each level of a namespace given in a request body; the empty namespace is refused. */
  static Namespace check(Namespace ns) {
    if (ns == null || ns.isEmpty()) {
      throw new BadRequestException("Invalid namespace: empty");
    }
    for (String level : ns.levels()) {
      level("namespace", level);
    }
    return ns;
  }

  static TableIdentifier table(Namespace ns, String name) {
    level("table", name);
    return TableIdentifier.of(ns, name);
  }

  private static void level(String kind, String level) {
    if (level == null || !TableNames.isValid(level)) {
      throw new BadRequestException("Invalid %s name: each level must be 1-255 letters, digits, '_', '-' or '.', "
          + "start with a letter, digit or '_', and never be or contain '..' (names map to folders of the "
          + "warehouse)", kind);
    }
  }
}
