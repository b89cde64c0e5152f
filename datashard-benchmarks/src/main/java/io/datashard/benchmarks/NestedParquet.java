package io.datashard.benchmarks;

import static io.datashard.benchmarks.NestedEvents.attr;
import static io.datashard.benchmarks.NestedEvents.attrCount;
import static io.datashard.benchmarks.NestedEvents.itemCount;
import static io.datashard.benchmarks.NestedEvents.key;
import static io.datashard.benchmarks.NestedEvents.payloadNull;
import static io.datashard.benchmarks.NestedEvents.price;
import static io.datashard.benchmarks.NestedEvents.priceNull;
import static io.datashard.benchmarks.NestedEvents.qty;
import static io.datashard.benchmarks.NestedEvents.qtyNull;
import static io.datashard.benchmarks.NestedEvents.sku;
import static io.datashard.benchmarks.NestedEvents.tag;
import static io.datashard.benchmarks.NestedEvents.tagCount;
import static io.datashard.benchmarks.NestedEvents.userId;
import static io.datashard.benchmarks.NestedEvents.userName;
import static io.datashard.benchmarks.NestedEvents.userNull;

import io.datashard.parquet.ParquetOptions;
import io.datashard.parquet.ParquetSchemas;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.apache.parquet.column.ParquetProperties;
import org.apache.parquet.conf.HadoopParquetConfiguration;
import org.apache.parquet.conf.ParquetConfiguration;
import org.apache.parquet.hadoop.ParquetFileWriter;
import org.apache.parquet.hadoop.ParquetReader;
import org.apache.parquet.hadoop.ParquetWriter;
import org.apache.parquet.hadoop.api.InitContext;
import org.apache.parquet.hadoop.api.ReadSupport;
import org.apache.parquet.hadoop.api.WriteSupport;
import org.apache.parquet.hadoop.metadata.CompressionCodecName;
import org.apache.parquet.io.api.Binary;
import org.apache.parquet.io.api.Converter;
import org.apache.parquet.io.api.GroupConverter;
import org.apache.parquet.io.api.PrimitiveConverter;
import org.apache.parquet.io.api.RecordConsumer;
import org.apache.parquet.io.api.RecordMaterializer;
import org.apache.parquet.schema.MessageType;

/**
 * The physical reference for the nested workload, as {@link PlainParquet} is for the flat one: parquet-java with a
 * minimal hand-written {@link WriteSupport} that drives the {@link RecordConsumer} straight from the row numbers
 * (no object model), and a minimal {@link ReadSupport} that materializes one plain Java object tree per row (an
 * {@link Event} with its payload, user, tag list, item list and attribute map; strings decoded). Same Parquet schema
 * as DataShard's (Iceberg field ids, three-level lists, {@code key_value} maps) and the same writer settings.
 */
final class NestedParquet {
  static final MessageType MESSAGE = ParquetSchemas.toMessageType(NestedEvents.SCHEMA);
  private static final Configuration CONF = new Configuration(false);

  private NestedParquet() {
  }

  /** Writes rows {@code 0 .. rows-1} to one file. */
  static void write(org.apache.parquet.io.OutputFile file, long rows, CompressionCodecName codec) throws IOException {
    try (ParquetWriter<long[]> w = new Builder(file).withConf(CONF)
        .withWriteMode(ParquetFileWriter.Mode.OVERWRITE).withCompressionCodec(codec)
        .withRowGroupSize(ParquetOptions.DEFAULT_ROW_GROUP_SIZE_BYTES)
        .withPageSize(ParquetOptions.DEFAULT_PAGE_SIZE_BYTES)
        .withDictionaryPageSize(ParquetOptions.DEFAULT_DICT_SIZE_BYTES).withDictionaryEncoding(true)
        .withValidation(false)
        .withWriterVersion(ParquetProperties.WriterVersion.PARQUET_1_0).build()) {
      long[] cursor = new long[1];
      for (long i = 0; i < rows; i++) {
        cursor[0] = i;
        w.write(cursor);
      }
    }
  }

  private static final class Builder extends ParquetWriter.Builder<long[], Builder> {
    Builder(org.apache.parquet.io.OutputFile file) {
      super(file);
    }

    @Override
    protected Builder self() {
      return this;
    }

    @Override
    @SuppressWarnings("deprecation") // abstract in parquet-java; the ParquetConfiguration variant is used
    protected WriteSupport<long[]> getWriteSupport(Configuration conf) {
      return new EventWriteSupport();
    }

    @Override
    protected WriteSupport<long[]> getWriteSupport(ParquetConfiguration conf) {
      return new EventWriteSupport();
    }
  }

  /** Row {@code i} of the workload, straight into the record consumer. */
  private static final class EventWriteSupport extends WriteSupport<long[]> {
    private RecordConsumer rc;

    @Override
    @SuppressWarnings("deprecation")
    public WriteContext init(Configuration configuration) {
      return new WriteContext(MESSAGE, Map.of());
    }

    @Override
    public WriteContext init(ParquetConfiguration configuration) {
      return new WriteContext(MESSAGE, Map.of());
    }

    @Override
    public void prepareForWrite(RecordConsumer recordConsumer) {
      this.rc = recordConsumer;
    }

    @Override
    public void write(long[] cursor) {
      long i = cursor[0];
      rc.startMessage();
      rc.startField("id", 0);
      rc.addLong(NestedEvents.id(i));
      rc.endField("id", 0);
      rc.startField("ts", 1);
      rc.addLong(NestedEvents.ts(i));
      rc.endField("ts", 1);
      if (!payloadNull(i)) {
        rc.startField("payload", 2);
        rc.startGroup();
        if (!userNull(i)) {
          rc.startField("user", 0);
          rc.startGroup();
          rc.startField("id", 0);
          rc.addLong(userId(i));
          rc.endField("id", 0);
          String name = userName(i);
          if (name != null) {
            rc.startField("name", 1);
            rc.addBinary(Binary.fromString(name));
            rc.endField("name", 1);
          }
          rc.endGroup();
          rc.endField("user", 0);
        }
        int tags = tagCount(i);
        if (tags >= 0) {
          rc.startField("tags", 1);
          rc.startGroup();
          if (tags > 0) {
            rc.startField("list", 0);
            for (int k = 0; k < tags; k++) {
              rc.startGroup();
              rc.startField("element", 0);
              rc.addBinary(Binary.fromString(tag(i, k)));
              rc.endField("element", 0);
              rc.endGroup();
            }
            rc.endField("list", 0);
          }
          rc.endGroup();
          rc.endField("tags", 1);
        }
        rc.endGroup();
        rc.endField("payload", 2);
      }
      int items = itemCount(i);
      if (items >= 0) {
        rc.startField("items", 3);
        rc.startGroup();
        if (items > 0) {
          rc.startField("list", 0);
          for (int k = 0; k < items; k++) {
            rc.startGroup();
            rc.startField("element", 0);
            rc.startGroup();
            rc.startField("sku", 0);
            rc.addBinary(Binary.fromString(sku(i, k)));
            rc.endField("sku", 0);
            if (!priceNull(i, k)) {
              rc.startField("price", 1);
              rc.addDouble(price(i, k));
              rc.endField("price", 1);
            }
            if (!qtyNull(i, k)) {
              rc.startField("qty", 2);
              rc.addInteger(qty(i, k));
              rc.endField("qty", 2);
            }
            rc.endGroup();
            rc.endField("element", 0);
            rc.endGroup();
          }
          rc.endField("list", 0);
        }
        rc.endGroup();
        rc.endField("items", 3);
      }
      int attrs = attrCount(i);
      if (attrs >= 0) {
        rc.startField("attrs", 4);
        rc.startGroup();
        if (attrs > 0) {
          rc.startField("key_value", 0);
          for (int k = 0; k < attrs; k++) {
            rc.startGroup();
            rc.startField("key", 0);
            rc.addBinary(Binary.fromString(key(i, k)));
            rc.endField("key", 0);
            rc.startField("value", 1);
            rc.addDouble(attr(i, k));
            rc.endField("value", 1);
            rc.endGroup();
          }
          rc.endField("key_value", 0);
        }
        rc.endGroup();
        rc.endField("attrs", 4);
      }
      rc.endMessage();
    }
  }

  /** One row as plain Java objects. */
  static final class Event {
    long id;
    long ts;
    Payload payload;
    List<Item> items;
    Map<String, Double> attrs;
  }

  static final class Payload {
    User user;
    List<String> tags;
  }

  static final class User {
    long id;
    String name;
  }

  static final class Item {
    String sku;
    Double price;
    Integer qty;
  }

  /** Reads every row of a file into fresh {@link Event} trees and adds them to the checksum. */
  static void read(org.apache.parquet.io.InputFile file, NestedEvents.Checksum c) throws IOException {
    try (ParquetReader<Event> r = new ReaderBuilder(file, new HadoopParquetConfiguration(CONF)).build()) {
      Event e;
      while ((e = r.read()) != null) {
        c.row(e.id, e.ts);
        if (e.payload == null) {
          c.nulls(101);
        } else {
          if (e.payload.user == null) {
            c.nulls(103);
          } else {
            c.user(e.payload.user.id, e.payload.user.name);
          }
          if (e.payload.tags == null) {
            c.nulls(107);
          } else {
            for (String t : e.payload.tags) {
              c.tag(t);
            }
          }
        }
        if (e.items == null) {
          c.nulls(109);
        } else {
          for (Item it : e.items) {
            c.item(it.sku, it.price, it.qty);
          }
        }
        if (e.attrs == null) {
          c.nulls(113);
        } else {
          for (Map.Entry<String, Double> a : e.attrs.entrySet()) {
            c.attr(a.getKey(), a.getValue());
          }
        }
      }
    }
  }

  private static final class ReaderBuilder extends ParquetReader.Builder<Event> {
    ReaderBuilder(org.apache.parquet.io.InputFile file, ParquetConfiguration conf) {
      super(file, conf);
    }

    @Override
    protected ReadSupport<Event> getReadSupport() {
      return new EventReadSupport();
    }
  }

  private static final class EventReadSupport extends ReadSupport<Event> {
    @Override
    public ReadContext init(InitContext context) {
      return new ReadContext(context.getFileSchema());
    }

    @Override
    @SuppressWarnings("deprecation") // abstract in parquet-java; the ParquetConfiguration variant is used
    public RecordMaterializer<Event> prepareForRead(Configuration conf, Map<String, String> meta, MessageType schema,
        ReadContext ctx) {
      return new EventMaterializer();
    }

    @Override
    public RecordMaterializer<Event> prepareForRead(ParquetConfiguration conf, Map<String, String> meta,
        MessageType schema, ReadContext ctx) {
      return new EventMaterializer();
    }
  }

  /** A group converter with fixed children and start/end actions. */
  private abstract static class Group extends GroupConverter {
    private final Converter[] children;

    Group(Converter... children) {
      this.children = children;
    }

    @Override
    public Converter getConverter(int fieldIndex) {
      return children[fieldIndex];
    }
  }

  /** Converters for the workload's schema, storing into the current objects. */
  private static final class EventMaterializer extends RecordMaterializer<Event> {
    private Event event;
    private Payload payload;
    private User user;
    private List<String> tags;
    private String tag;
    private List<Item> items;
    private Item item;
    private Map<String, Double> attrs;
    private String key;
    private Double value;

    private final Group userConverter = new Group(
        new PrimitiveConverter() {
          @Override
          public void addLong(long v) {
            user.id = v;
          }
        },
        new PrimitiveConverter() {
          @Override
          public void addBinary(Binary v) {
            user.name = v.toStringUsingUTF8();
          }
        }) {
      @Override
      public void start() {
        user = new User();
      }

      @Override
      public void end() {
        payload.user = user;
      }
    };

    private final Group tagsConverter = new Group(new Group(new PrimitiveConverter() {
      @Override
      public void addBinary(Binary v) {
        tag = v.toStringUsingUTF8();
      }
    }) {
      @Override
      public void start() {
        tag = null;
      }

      @Override
      public void end() {
        tags.add(tag);
      }
    }) {
      @Override
      public void start() {
        tags = new ArrayList<>();
      }

      @Override
      public void end() {
        payload.tags = tags;
      }
    };

    private final Group payloadConverter = new Group(userConverter, tagsConverter) {
      @Override
      public void start() {
        payload = new Payload();
      }

      @Override
      public void end() {
        event.payload = payload;
      }
    };

    private final Group itemConverter = new Group(
        new PrimitiveConverter() {
          @Override
          public void addBinary(Binary v) {
            item.sku = v.toStringUsingUTF8();
          }
        },
        new PrimitiveConverter() {
          @Override
          public void addDouble(double v) {
            item.price = v;
          }
        },
        new PrimitiveConverter() {
          @Override
          public void addInt(int v) {
            item.qty = v;
          }
        }) {
      @Override
      public void start() {
        item = new Item();
      }

      @Override
      public void end() {
      }
    };

    private final Group itemsConverter = new Group(new Group(itemConverter) {
      @Override
      public void start() {
        item = null;
      }

      @Override
      public void end() {
        items.add(item);
      }
    }) {
      @Override
      public void start() {
        items = new ArrayList<>();
      }

      @Override
      public void end() {
        event.items = items;
      }
    };

    private final Group attrsConverter = new Group(new Group(
        new PrimitiveConverter() {
          @Override
          public void addBinary(Binary v) {
            key = v.toStringUsingUTF8();
          }
        },
        new PrimitiveConverter() {
          @Override
          public void addDouble(double v) {
            value = v;
          }
        }) {
      @Override
      public void start() {
        key = null;
        value = null;
      }

      @Override
      public void end() {
        attrs.put(key, value);
      }
    }) {
      @Override
      public void start() {
        attrs = new HashMap<>();
      }

      @Override
      public void end() {
        event.attrs = attrs;
      }
    };

    private final Group root = new Group(
        new PrimitiveConverter() {
          @Override
          public void addLong(long v) {
            event.id = v;
          }
        },
        new PrimitiveConverter() {
          @Override
          public void addLong(long v) {
            event.ts = v;
          }
        },
        payloadConverter, itemsConverter, attrsConverter) {
      @Override
      public void start() {
        event = new Event();
      }

      @Override
      public void end() {
      }
    };

    @Override
    public Event getCurrentRecord() {
      return event;
    }

    @Override
    public GroupConverter getRootConverter() {
      return root;
    }
  }
}
