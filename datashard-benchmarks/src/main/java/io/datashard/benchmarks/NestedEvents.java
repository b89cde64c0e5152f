package io.datashard.benchmarks;

import io.datashard.Field;
import io.datashard.Schema;
import io.datashard.Types;

/**
 * The nested workload of {@link NestedBench}: an event with a struct of a struct, a list of strings inside it, a
 * list of 0-4 structs and a map of string to double. Every value of row {@code i} is a cheap function of {@code i}
 * over pre-built string vocabularies, so every system builds its own row objects from the same numbers inside its
 * timed region, and no system is charged for making strings.
 *
 * <pre>
 * id long not null, ts long not null,
 * payload struct&lt;user struct&lt;id long not null, name string&gt;, tags list&lt;string&gt;&gt;,
 * items list&lt;struct&lt;sku string not null, price double, qty int&gt;&gt;,
 * attrs map&lt;string, double&gt;
 * </pre>
 *
 * <p>Shape per row on average: payload null 1 in 20, user null 1 in 10, name null 1 in 17; 1.5 tags (list null 1 in
 * 7); 2 items (list null 1 in 11; price and qty sometimes null); 1.5 map entries (map null 1 in 9). Ten leaf
 * columns, about 17 values per row.
 */
final class NestedEvents {
  static final Schema SCHEMA = Schema.builder()
      .required("id", Types.LONG)
      .required("ts", Types.LONG)
      .optional("payload", Types.struct(
          Field.optional("user", Types.struct(Field.required("id", Types.LONG), Field.optional("name", Types.STRING))),
          Field.optional("tags", Types.list(Types.STRING))))
      .optional("items", Types.list(Types.struct(
          Field.required("sku", Types.STRING), Field.optional("price", Types.DOUBLE),
          Field.optional("qty", Types.INT))))
      .optional("attrs", Types.map(Types.STRING, Types.DOUBLE))
      .build();

  static final String[] NAMES = names(50_000);
  static final String[] TAGS = vocabulary("tag-", 32);
  static final String[] SKUS = vocabulary("sku-", 10_000);
  static final String[] KEYS = vocabulary("k", 12);

  private NestedEvents() {
  }

  private static String[] vocabulary(String prefix, int n) {
    String[] v = new String[n];
    for (int i = 0; i < n; i++) {
      v[i] = prefix + Integer.toHexString(i * 2654435 % 0xfffff);
    }
    return v;
  }

  /** 16-character user names, as in the flat workload. */
  private static String[] names(int n) {
    String[] v = new String[n];
    for (int i = 0; i < n; i++) {
      v[i] = Bench.name(i);
    }
    return v;
  }

  static long id(long i) {
    return i;
  }

  static long ts(long i) {
    return 1_700_000_000_000_000L + i * 1000;
  }

  static boolean payloadNull(long i) {
    return i % 20 == 19;
  }

  static boolean userNull(long i) {
    return i % 10 == 3;
  }

  static long userId(long i) {
    return (i * 7) % 100_000;
  }

  /** @return the user name, or null */
  static String userName(long i) {
    return i % 17 == 5 ? null : NAMES[(int) ((i * 13) % NAMES.length)];
  }

  /** @return the number of tags, or -1 for a null list */
  static int tagCount(long i) {
    return i % 7 == 2 ? -1 : (int) (i % 4);
  }

  static String tag(long i, int k) {
    return TAGS[(int) ((i + k * 5L) % TAGS.length)];
  }

  /** @return the number of items, or -1 for a null list */
  static int itemCount(long i) {
    return i % 11 == 4 ? -1 : (int) ((i * 3) % 5);
  }

  static String sku(long i, int k) {
    return SKUS[(int) ((i * 31 + k) % SKUS.length)];
  }

  static boolean priceNull(long i, int k) {
    return (i + k) % 13 == 0;
  }

  static double price(long i, int k) {
    return ((i * 7 + k) % 10_000) * 0.01;
  }

  static boolean qtyNull(long i, int k) {
    return (i + k) % 17 == 0;
  }

  static int qty(long i, int k) {
    return (int) ((i + k) % 9) + 1;
  }

  /** @return the number of map entries, or -1 for a null map */
  static int attrCount(long i) {
    return i % 9 == 6 ? -1 : (int) ((i * 5) % 4);
  }

  /** Distinct within a row: consecutive keys from a per-row start. */
  static String key(long i, int k) {
    return KEYS[(int) ((i + k) % KEYS.length)];
  }

  static double attr(long i, int k) {
    return (i % 1000) * 0.5 + k;
  }

  /**
   * The checksum every reader computes over what it read, so the systems are checked against each other (and
   * against {@link #expected}): the same number means the same values came back.
   */
  static final class Checksum {
    long sum;
    long rows;

    void row(long id, long ts) {
      rows++;
      sum += id * 31 + ts;
    }

    void user(long id, String name) {
      sum += id * 7 + (name == null ? 1 : name.length() * 3L);
    }

    void tag(String tag) {
      sum += tag.length() + 11;
    }

    void item(String sku, Double price, Integer qty) {
      sum += sku.length() + (price == null ? 5 : Math.round(price * 100) * 13) + (qty == null ? 3 : qty * 17L);
    }

    void attr(String key, Double value) {
      sum += key.hashCode() + (value == null ? 2 : Math.round(value * 2) * 19);
    }

    void nulls(int code) {
      sum += code;
    }
  }

  /** @return the checksum of rows {@code 0 .. n-1} as written */
  static Checksum expected(long n) {
    Checksum c = new Checksum();
    for (long i = 0; i < n; i++) {
      c.row(id(i), ts(i));
      if (payloadNull(i)) {
        c.nulls(101);
      } else {
        if (userNull(i)) {
          c.nulls(103);
        } else {
          c.user(userId(i), userName(i));
        }
        int t = tagCount(i);
        if (t < 0) {
          c.nulls(107);
        }
        for (int k = 0; k < t; k++) {
          c.tag(tag(i, k));
        }
      }
      int m = itemCount(i);
      if (m < 0) {
        c.nulls(109);
      }
      for (int k = 0; k < m; k++) {
        c.item(sku(i, k), priceNull(i, k) ? null : price(i, k), qtyNull(i, k) ? null : qty(i, k));
      }
      int a = attrCount(i);
      if (a < 0) {
        c.nulls(113);
      }
      for (int k = 0; k < a; k++) {
        c.attr(key(i, k), attr(i, k));
      }
    }
    return c;
  }
}
