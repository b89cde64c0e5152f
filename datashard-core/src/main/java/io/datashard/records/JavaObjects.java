package io.datashard.records;

import io.datashard.Row;
import io.datashard.Schema;
import io.datashard.ValidationException;
import java.lang.reflect.Constructor;
import java.lang.reflect.Field;
import java.lang.reflect.GenericArrayType;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.RecordComponent;
import java.lang.reflect.Type;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZonedDateTime;
import java.time.temporal.Temporal;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;

/**
 * Maps plain Java objects to rows and back, by name: Java {@code record}s by their components, other classes
 * (JavaBeans) by getters/setters or fields. Nested records become structs, collections and arrays lists,
 * maps maps, enums strings.
 *
 * <p>Writing turns an object into a {@code Map<String, Object>} that the usual validation then checks against the
 * table, so a mismatch gets the same message with the field's full path. Reading builds the object from a
 * {@link Row}, converting each value to the declared Java type (a {@code long} column into {@code long} or
 * {@code Long}, a {@code timestamptz} into {@code Instant} or {@code OffsetDateTime}, a struct into a nested
 * record, a list of structs into a {@code List<SomeRecord>}); a value that cannot be converted, or a null for a
 * primitive, is an error naming the class and the property.
 */
public final class JavaObjects {
  /** Reflection results per class, computed once (the JDK's per-class cache; holds no user data). */
  private static final ClassValue<Shape> SHAPES = new ClassValue<>() {
    @Override
    protected Shape computeValue(Class<?> type) {
      return Shape.of(type);
    }
  };

  private JavaObjects() {
  }

  /** @return whether a value is an object to be mapped by its properties (a record or a JavaBean) */
  public static boolean isMappable(Object value) {
    return value != null && isMappableClass(value.getClass());
  }

  private static boolean isMappableClass(Class<?> c) {
    if (c.isRecord()) {
      return true;
    }
    if (c.isPrimitive() || c.isArray() || c.isEnum() || c.isInterface() || Number.class.isAssignableFrom(c)
        || CharSequence.class.isAssignableFrom(c) || Boolean.class == c || Character.class == c
        || Temporal.class.isAssignableFrom(c) || UUID.class == c || ByteBuffer.class.isAssignableFrom(c)
        || Map.class.isAssignableFrom(c) || Collection.class.isAssignableFrom(c)) {
      return false;
    }
    String name = c.getName();
    return !name.startsWith("java.") && !name.startsWith("javax.");
  }

  /**
   * @param object a record or JavaBean
   * @return its properties as a map, nested objects as maps, collections and arrays as lists
   */
  public static Map<String, Object> toMap(Object object) {
    Shape shape = shapeOf(object.getClass());
    Map<String, Object> out = new LinkedHashMap<>();
    for (Property p : shape.properties) {
      out.put(p.name, toValue(p.read(object)));
    }
    return out;
  }

  private static Object toValue(Object v) {
    if (v == null) {
      return null;
    }
    if (v instanceof Enum<?> e) {
      return e.name();
    }
    if (v instanceof Map<?, ?> m && !(v instanceof Row)) {
      Map<Object, Object> out = new LinkedHashMap<>();
      m.forEach((k, val) -> out.put(toValue(k), toValue(val)));
      return out;
    }
    if (v instanceof Collection<?> c) {
      List<Object> out = new ArrayList<>(c.size());
      c.forEach(e -> out.add(toValue(e)));
      return out;
    }
    if (v instanceof Object[] a) {
      List<Object> out = new ArrayList<>(a.length);
      for (Object e : a) {
        out.add(toValue(e));
      }
      return out;
    }
    return isMappable(v) ? toMap(v) : v;
  }

  /**
   * @param type a record class or JavaBean class
   * @return the names of its properties, in declaration order
   */
  public static List<String> propertyNames(Class<?> type) {
    requireMappable(type);
    List<String> names = new ArrayList<>();
    for (Property p : shapeOf(type).properties) {
      names.add(p.name);
    }
    return names;
  }

  /**
   * @param type a record class or JavaBean class
   * @param schema the schema of the rows it will be read from
   * @throws ValidationException naming a property that has no column
   */
  public static void checkReadable(Class<?> type, Schema schema) {
    requireMappable(type);
    for (Property p : shapeOf(type).properties) {
      if (schema.positionOf(p.name) < 0) {
        throw new ValidationException(type.getSimpleName() + "." + p.name + " has no column of that name; columns are "
            + schema.columnNames());
      }
    }
  }

  /**
   * @param row a row
   * @param type the class to build
   * @param <T> the class
   * @return a new instance holding the row's values
   * @throws ValidationException when a value cannot be converted to its property's type
   */
  public static <T> T fromRow(Row row, Class<T> type) {
    requireMappable(type);
    return type.cast(build(row, type, type.getSimpleName()));
  }

  private static void requireMappable(Class<?> type) {
    if (!isMappableClass(type)) {
      throw new ValidationException(type.getName() + " cannot be mapped to rows: use a Java record or a class with "
          + "properties (getters and setters, or fields)");
    }
  }

  private static Object build(Row row, Class<?> type, String where) {
    Shape shape = shapeOf(type);
    Object[] values = new Object[shape.properties.size()];
    for (int i = 0; i < values.length; i++) {
      Property p = shape.properties.get(i);
      if (row.schema().positionOf(p.name) < 0) {
        if (p.rawType.isPrimitive()) {
          throw new ValidationException(where + "." + p.name + " is a " + p.rawType + " but the row has no column '"
              + p.name + "'; columns are " + row.schema().columnNames());
        }
        continue;
      }
      values[i] = convert(row.get(row.schema().positionOf(p.name)), p.genericType, where + "." + p.name);
    }
    return shape.create(values, where);
  }

  private static Object convert(Object v, Type target, String where) {
    Class<?> raw = rawClass(target);
    if (v == null) {
      if (raw.isPrimitive()) {
        throw new ValidationException(where + " is a " + raw + " and cannot hold null");
      }
      return null;
    }
    Class<?> boxed = box(raw);
    if (v instanceof Row r && isMappableClass(raw)) {
      return build(r, raw, where);
    }
    if (v instanceof List<?> list) {
      if (raw.isArray() && raw != byte[].class) {
        Object array = java.lang.reflect.Array.newInstance(raw.getComponentType(), list.size());
        for (int i = 0; i < list.size(); i++) {
          java.lang.reflect.Array.set(array, i, convert(list.get(i), componentType(target), where + "[" + i + "]"));
        }
        return array;
      }
      if (raw.isAssignableFrom(ArrayList.class) || raw == Collection.class || raw == Iterable.class) {
        Type element = typeArgument(target, 0);
        List<Object> out = new ArrayList<>(list.size());
        for (int i = 0; i < list.size(); i++) {
          out.add(convert(list.get(i), element, where + "[" + i + "]"));
        }
        return out;
      }
    }
    if (v instanceof Map<?, ?> map && !(v instanceof Row) && raw.isAssignableFrom(LinkedHashMap.class)) {
      Type keyType = typeArgument(target, 0);
      Type valueType = typeArgument(target, 1);
      Map<Object, Object> out = new LinkedHashMap<>();
      map.forEach((k, val) -> out.put(convert(k, keyType, where + ".key"), convert(val, valueType, where + "[" + k + "]")));
      return out;
    }
    if (boxed.isInstance(v)) {
      return v;
    }
    Object converted = convertScalar(v, boxed);
    if (converted != null) {
      return converted;
    }
    throw new ValidationException("cannot put " + v.getClass().getSimpleName() + " value into " + where + " of type "
        + target.getTypeName());
  }

  private static Object convertScalar(Object v, Class<?> to) {
    if (to == Long.class && (v instanceof Integer || v instanceof Short || v instanceof Byte)) {
      return ((Number) v).longValue();
    }
    if (to == Double.class && v instanceof Float f) {
      return f.doubleValue();
    }
    if (v instanceof OffsetDateTime odt) {
      if (to == Instant.class) {
        return odt.toInstant();
      }
      if (to == ZonedDateTime.class) {
        return odt.toZonedDateTime();
      }
    }
    if (v instanceof ByteBuffer b && to == byte[].class) {
      byte[] bytes = new byte[b.remaining()];
      b.duplicate().get(bytes);
      return bytes;
    }
    if (v instanceof String s && to.isEnum()) {
      for (Object c : to.getEnumConstants()) {
        if (((Enum<?>) c).name().equals(s)) {
          return c;
        }
      }
      return null;
    }
    if (v instanceof String s && to == UUID.class) {
      return UUID.fromString(s);
    }
    if (v instanceof Row r && to.isAssignableFrom(Row.class)) {
      return r;
    }
    return null;
  }

  private static Class<?> box(Class<?> c) {
    if (!c.isPrimitive()) {
      return c;
    }
    if (c == long.class) {
      return Long.class;
    } else if (c == int.class) {
      return Integer.class;
    } else if (c == double.class) {
      return Double.class;
    } else if (c == float.class) {
      return Float.class;
    } else if (c == boolean.class) {
      return Boolean.class;
    } else if (c == short.class) {
      return Short.class;
    } else if (c == byte.class) {
      return Byte.class;
    }
    return Character.class;
  }

  private static Class<?> rawClass(Type t) {
    if (t instanceof Class<?> c) {
      return c;
    }
    if (t instanceof ParameterizedType p) {
      return (Class<?>) p.getRawType();
    }
    if (t instanceof GenericArrayType g) {
      return java.lang.reflect.Array.newInstance(rawClass(g.getGenericComponentType()), 0).getClass();
    }
    return Object.class;
  }

  private static Type typeArgument(Type t, int i) {
    if (t instanceof ParameterizedType p && p.getActualTypeArguments().length > i) {
      Type arg = p.getActualTypeArguments()[i];
      return arg instanceof java.lang.reflect.WildcardType w ? w.getUpperBounds()[0] : arg;
    }
    return Object.class;
  }

  private static Type componentType(Type t) {
    if (t instanceof GenericArrayType g) {
      return g.getGenericComponentType();
    }
    return rawClass(t).getComponentType();
  }

  private static Shape shapeOf(Class<?> c) {
    return SHAPES.get(c);
  }

  /** One readable (and, when building, writable) property of a class. */
  private static final class Property {
    final String name;
    final Class<?> rawType;
    final Type genericType;
    final Method getter;
    final Method setter;
    final Field field;

    Property(String name, Class<?> rawType, Type genericType, Method getter, Method setter, Field field) {
      this.name = name;
      this.rawType = rawType;
      this.genericType = genericType;
      this.getter = getter;
      this.setter = setter;
      this.field = field;
    }

    Object read(Object o) {
      try {
        return getter != null ? getter.invoke(o) : field.get(o);
      } catch (IllegalAccessException | InvocationTargetException e) {
        throw new ValidationException("cannot read " + o.getClass().getSimpleName() + "." + name + ": " + e, e);
      }
    }
  }

  /** How to read and build instances of one class. */
  private static final class Shape {
    final Class<?> type;
    final List<Property> properties;
    final Constructor<?> constructor;

    Shape(Class<?> type, List<Property> properties, Constructor<?> constructor) {
      this.type = type;
      this.properties = properties;
      this.constructor = constructor;
    }

    static Shape of(Class<?> c) {
      List<Property> props = new ArrayList<>();
      if (c.isRecord()) {
        RecordComponent[] components = c.getRecordComponents();
        Class<?>[] types = new Class<?>[components.length];
        for (int i = 0; i < components.length; i++) {
          RecordComponent rc = components[i];
          Method accessor = rc.getAccessor();
          accessor.setAccessible(true);
          props.add(new Property(rc.getName(), rc.getType(), rc.getGenericType(), accessor, null, null));
          types[i] = rc.getType();
        }
        try {
          Constructor<?> k = c.getDeclaredConstructor(types);
          k.setAccessible(true);
          return new Shape(c, List.copyOf(props), k);
        } catch (NoSuchMethodException e) {
          throw new IllegalStateException("record " + c + " has no canonical constructor", e);
        }
      }
      Constructor<?> k = null;
      try {
        k = c.getDeclaredConstructor();
        k.setAccessible(true);
      } catch (NoSuchMethodException e) {
        // readable (appendable) only
      }
      for (Class<?> k2 = c; k2 != null && k2 != Object.class; k2 = k2.getSuperclass()) {
        for (Field f : k2.getDeclaredFields()) {
          int mod = f.getModifiers();
          if (Modifier.isStatic(mod) || Modifier.isTransient(mod) || f.isSynthetic()) {
            continue;
          }
          String cap = f.getName().substring(0, 1).toUpperCase(Locale.ROOT) + f.getName().substring(1);
          Method getter = method(c, "get" + cap);
          if (getter == null && (f.getType() == boolean.class || f.getType() == Boolean.class)) {
            getter = method(c, "is" + cap);
          }
          Method setter = method(c, "set" + cap, f.getType());
          f.setAccessible(true);
          props.add(new Property(f.getName(), f.getType(), f.getGenericType(), getter, setter, f));
        }
      }
      return new Shape(c, List.copyOf(props), k);
    }

    private static Method method(Class<?> c, String name, Class<?>... params) {
      try {
        Method m = c.getMethod(name, params);
        return Modifier.isStatic(m.getModifiers()) ? null : m;
      } catch (NoSuchMethodException e) {
        return null;
      }
    }

    Object create(Object[] values, String where) {
      if (constructor == null) {
        throw new ValidationException("cannot build " + where + ": " + type.getName() + " has no constructor without "
            + "parameters (use a Java record, or add one)");
      }
      try {
        if (type.isRecord()) {
          return constructor.newInstance(values);
        }
        Object o = constructor.newInstance();
        for (int i = 0; i < values.length; i++) {
          Property p = properties.get(i);
          if (values[i] == null && p.rawType.isPrimitive()) {
            continue;
          }
          if (p.setter != null) {
            p.setter.invoke(o, values[i]);
          } else if (!Modifier.isFinal(p.field.getModifiers())) {
            p.field.set(o, values[i]);
          }
        }
        return o;
      } catch (InstantiationException | IllegalAccessException e) {
        throw new ValidationException("cannot build " + where + ": " + e, e);
      } catch (InvocationTargetException e) {
        throw new ValidationException("cannot build " + where + ": " + e.getCause(), e.getCause());
      }
    }
  }
}
