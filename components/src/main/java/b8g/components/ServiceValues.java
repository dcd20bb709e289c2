package b8g.components;

import static b8g.components.Protocol.VALUE_ARRAY;
import static b8g.components.Protocol.VALUE_BIGINT;
import static b8g.components.Protocol.VALUE_BUFFER;
import static b8g.components.Protocol.VALUE_BYTES;
import static b8g.components.Protocol.VALUE_FALSE;
import static b8g.components.Protocol.VALUE_FLOAT;
import static b8g.components.Protocol.VALUE_INT;
import static b8g.components.Protocol.VALUE_MAP;
import static b8g.components.Protocol.VALUE_MAX_BYTES;
import static b8g.components.Protocol.VALUE_MAX_DEPTH;
import static b8g.components.Protocol.VALUE_NULL;
import static b8g.components.Protocol.VALUE_OBJECT;
import static b8g.components.Protocol.VALUE_STRING;
import static b8g.components.Protocol.VALUE_TRUE;
import static b8g.components.Protocol.VALUE_UNDEFINED;

import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The host's side of the values a service call carries: the same bytes as the prelude's {@code
 * service-values.js} (tags and limits are {@link Protocol}'s {@code VALUE_*}). Decoding trusts
 * nothing: every length is checked against what is left before anything is allocated, nesting
 * and size are bounded, and a breach is a {@link ComponentException} {@code service.corrupt}.
 *
 * <p>JS to Java: undefined and null are {@code null}; booleans {@link Boolean}; every number
 * {@link Double} (JS has one number type; a service method's {@code int}/{@code long} parameter
 * takes an integral one, see {@code b8g.host.services}); bigint {@link BigInteger}; string
 * {@link String}; Uint8Array and ArrayBuffer {@code byte[]}; arrays {@link List}; plain objects
 * and Maps {@link Map} (a {@link LinkedHashMap}: insertion order kept; an object's keys are
 * Strings, a Map's any decoded value).
 *
 * <p>Java to JS: {@code null} null; {@link Boolean}; {@link Double}, {@link Float}, {@link
 * Integer}, {@link Short}, {@link Byte} a number; {@link Long} a number when it is a safe integer
 * (|v| &lt; 2^53), else a bigint; {@link BigInteger} a bigint; {@link String} and {@link
 * Character} a string; {@code byte[]} and {@link ByteBuffer} (its remaining bytes) a Uint8Array;
 * a {@link Collection} or {@code Object[]} an array; a {@link Map} whose keys are all Strings a
 * plain object, any other Map a Map. Anything else is refused ({@code service.bad_result}) and
 * nothing of it, not even its class name, reaches JS.
 *
 * <p>Stateless; thread-safe.
 */
public final class ServiceValues {
  /** Most bytes one encoded value may take. */
  public static final int MAX_BYTES = VALUE_MAX_BYTES;
  /** Deepest nesting of arrays, objects and Maps. */
  public static final int MAX_DEPTH = VALUE_MAX_DEPTH;
  /** Calls one client may have pending; its stub refuses more with a RangeError. */
  public static final int MAX_PENDING = Protocol.SERVICE_MAX_PENDING;
  /** Calls a server runs at once for one client: it reads that client's ring no further until one ends. */
  public static final int MAX_IN_FLIGHT = Protocol.SERVICE_MAX_IN_FLIGHT;

  private static final long SAFE = (1L << 53) - 1;

  private ServiceValues() {}

  // ---- decoding ---------------------------------------------------------------------------------

  /**
   * Decodes the one value that fills {@code in} from its position to its limit (little-endian;
   * the buffer's order and position are not used after). Nothing may follow the value.
   *
   * @throws ComponentException {@code service.corrupt} naming the byte offset
   */
  public static Object decode(ByteBuffer in) {
    ByteBuffer b = in.slice().order(ByteOrder.LITTLE_ENDIAN);
    Object v = read(b, 0);
    if (b.hasRemaining()) {
      throw corrupt(b, b.remaining() + " bytes after the value");
    }
    return v;
  }

  private static Object read(ByteBuffer b, int depth) {
    int tag = take(b, 1, "a tag").get() & 0xff;
    switch (tag) {
      case VALUE_UNDEFINED, VALUE_NULL -> {
        return null;
      }
      case VALUE_FALSE -> {
        return Boolean.FALSE;
      }
      case VALUE_TRUE -> {
        return Boolean.TRUE;
      }
      case VALUE_INT -> {
        return (double) take(b, 4, "an integer").getInt();
      }
      case VALUE_FLOAT -> {
        return take(b, 8, "a number").getDouble();
      }
      case VALUE_BIGINT -> {
        int sign = take(b, 1, "a bigint sign").get() & 0xff;
        if (sign > 1) {
          throw corrupt(b, "a bigint sign is " + sign);
        }
        byte[] le = bytes(b, "a bigint");
        byte[] be = new byte[le.length];
        for (int i = 0; i < le.length; i++) {
          be[i] = le[le.length - 1 - i];
        }
        BigInteger m = new BigInteger(1, be);
        return sign == 1 ? m.negate() : m;
      }
      case VALUE_STRING -> {
        return new String(bytes(b, "a string"), StandardCharsets.UTF_8);
      }
      case VALUE_BYTES, VALUE_BUFFER -> {
        return bytes(b, "bytes");
      }
      case VALUE_ARRAY, VALUE_OBJECT, VALUE_MAP -> {
        if (depth >= MAX_DEPTH) {
          throw corrupt(b, "nested deeper than " + MAX_DEPTH + " levels");
        }
        int n = count(b);
        if (tag == VALUE_ARRAY) {
          // n is bounded only by the bytes left, at every level: grow as items come.
          List<Object> list = new ArrayList<>(Math.min(n, 16));
          for (int i = 0; i < n; i++) {
            list.add(read(b, depth + 1));
          }
          return list;
        }
        Map<Object, Object> map = new LinkedHashMap<>();
        for (int i = 0; i < n; i++) {
          Object k = tag == VALUE_OBJECT ? new String(bytes(b, "a key"), StandardCharsets.UTF_8) : read(b, depth + 1);
          map.put(k, read(b, depth + 1));
        }
        return map;
      }
      default -> throw corrupt(b, "unknown tag " + tag);
    }
  }

  /** A count of items, each of which takes at least a byte: a count beyond what is left is refused before any allocation. */
  private static int count(ByteBuffer b) {
    long n = Integer.toUnsignedLong(take(b, 4, "a count").getInt());
    if (n > b.remaining()) {
      throw corrupt(b, "a count of " + n + " with " + b.remaining() + " bytes left");
    }
    return (int) n;
  }

  private static byte[] bytes(ByteBuffer b, String what) {
    long n = Integer.toUnsignedLong(take(b, 4, what + " length").getInt());
    if (n > b.remaining()) {
      throw corrupt(b, what + " of " + n + " bytes runs past the end of the message");
    }
    byte[] out = new byte[(int) n];
    b.get(out);
    return out;
  }

  private static ByteBuffer take(ByteBuffer b, int n, String what) {
    if (b.remaining() < n) {
      throw corrupt(b, what + " runs past the end of the message");
    }
    return b;
  }

  private static ComponentException corrupt(ByteBuffer b, String what) {
    return new ComponentException("service.corrupt", "malformed service message at byte " + b.position() + ": " + what);
  }

  // ---- encoding ---------------------------------------------------------------------------------

  /** A growing little-endian byte buffer; {@code prefix} bytes are left at the start for a header. */
  public static final class Out {
    private byte[] bytes = new byte[256];
    private int n;
    private final int limit;

    public Out(int prefix) {
      n = prefix;
      limit = prefix + MAX_BYTES;
    }

    private void room(int k) {
      if ((long) n + k > limit) {
        throw new ComponentException("service.bad_result", "the value is larger than " + MAX_BYTES + " bytes encoded");
      }
      if (n + k > bytes.length) {
        bytes = Arrays.copyOf(bytes, Math.max(bytes.length * 2, n + k));
      }
    }

    void put(int b) {
      room(1);
      bytes[n++] = (byte) b;
    }

    void putInt(int v) {
      room(4);
      bytes[n] = (byte) v;
      bytes[n + 1] = (byte) (v >>> 8);
      bytes[n + 2] = (byte) (v >>> 16);
      bytes[n + 3] = (byte) (v >>> 24);
      n += 4;
    }

    void putBytes(byte[] b, int off, int len) {
      putInt(len);
      room(len);
      System.arraycopy(b, off, bytes, n, len);
      n += len;
    }

    /** The header bytes (call id and the like) at {@code at}. */
    public void setInt(int at, int v) {
      bytes[at] = (byte) v;
      bytes[at + 1] = (byte) (v >>> 8);
      bytes[at + 2] = (byte) (v >>> 16);
      bytes[at + 3] = (byte) (v >>> 24);
    }

    public void set(int at, byte[] b) {
      System.arraycopy(b, 0, bytes, at, b.length);
    }

    public void set(int at, int b) {
      bytes[at] = (byte) b;
    }

    /** The bytes written so far, header included, as a buffer over this object's array (no copy). */
    public ByteBuffer buffer() {
      return ByteBuffer.wrap(bytes, 0, n);
    }

    public int length() {
      return n;
    }
  }

  /**
   * Encodes {@code v} into {@code out}.
   *
   * @throws ComponentException {@code service.bad_result} for a value of an unsupported type, a
   *     cycle, too deep or too large; the message never names a Java class
   */
  public static void encode(Out out, Object v) {
    write(out, v, 0, new ArrayList<>());
  }

  private static void write(Out out, Object v, int depth, List<Object> above) {
    if (v == null) {
      out.put(VALUE_NULL);
    } else if (v instanceof Boolean x) {
      out.put(x ? VALUE_TRUE : VALUE_FALSE);
    } else if (v instanceof Integer || v instanceof Short || v instanceof Byte) {
      out.put(VALUE_INT);
      out.putInt(((Number) v).intValue());
    } else if (v instanceof Long x) {
      if (x >= -SAFE && x <= SAFE) { // never Math.abs: Long.MIN_VALUE stays negative
        number(out, x);
      } else {
        bigint(out, BigInteger.valueOf(x));
      }
    } else if (v instanceof Double || v instanceof Float) {
      number(out, ((Number) v).doubleValue());
    } else if (v instanceof BigInteger x) {
      bigint(out, x);
    } else if (v instanceof String || v instanceof Character) {
      byte[] s = v.toString().getBytes(StandardCharsets.UTF_8);
      out.put(VALUE_STRING);
      out.putBytes(s, 0, s.length);
    } else if (v instanceof byte[] x) {
      out.put(VALUE_BYTES);
      out.putBytes(x, 0, x.length);
    } else if (v instanceof ByteBuffer x) {
      byte[] copy = new byte[x.remaining()];
      x.duplicate().get(copy);
      out.put(VALUE_BYTES);
      out.putBytes(copy, 0, copy.length);
    } else if (v instanceof Collection<?> || v instanceof Object[] || v instanceof Map<?, ?>) {
      container(out, v, depth, above);
    } else {
      throw new ComponentException("service.bad_result", "a value of an unsupported type (services carry null, booleans, "
          + "numbers, bigints, strings, bytes, lists and maps)");
    }
  }

  private static void number(Out out, double d) {
    if (d == (int) d && !(d == 0 && 1 / d < 0)) {
      out.put(VALUE_INT);
      out.putInt((int) d);
      return;
    }
    out.put(VALUE_FLOAT);
    long bits = Double.doubleToRawLongBits(d);
    out.putInt((int) bits);
    out.putInt((int) (bits >>> 32));
  }

  private static void bigint(Out out, BigInteger x) {
    byte[] be = x.abs().toByteArray();
    int skip = be.length > 0 && be[0] == 0 ? 1 : 0;
    byte[] le = new byte[be.length - skip];
    for (int i = 0; i < le.length; i++) {
      le[i] = be[be.length - 1 - i];
    }
    out.put(VALUE_BIGINT);
    out.put(x.signum() < 0 ? 1 : 0);
    out.putBytes(le, 0, le.length);
  }

  private static void container(Out out, Object v, int depth, List<Object> above) {
    if (depth >= MAX_DEPTH) {
      throw new ComponentException("service.bad_result", "the value is nested deeper than " + MAX_DEPTH + " levels");
    }
    for (Object a : above) {
      if (a == v) {
        throw new ComponentException("service.bad_result", "the value contains itself (a cycle)");
      }
    }
    above.add(v);
    if (v instanceof Map<?, ?> m) {
      boolean plain = m.keySet().stream().allMatch(k -> k instanceof String);
      out.put(plain ? VALUE_OBJECT : VALUE_MAP);
      out.putInt(m.size());
      for (Map.Entry<?, ?> e : m.entrySet()) {
        if (plain) {
          byte[] k = ((String) e.getKey()).getBytes(StandardCharsets.UTF_8);
          out.putBytes(k, 0, k.length);
        } else {
          write(out, e.getKey(), depth + 1, above);
        }
        write(out, e.getValue(), depth + 1, above);
      }
    } else {
      Collection<?> c = v instanceof Object[] a ? Arrays.asList(a) : (Collection<?>) v;
      out.put(VALUE_ARRAY);
      out.putInt(c.size());
      for (Object item : c) {
        write(out, item, depth + 1, above);
      }
    }
    above.remove(above.size() - 1);
  }
}
