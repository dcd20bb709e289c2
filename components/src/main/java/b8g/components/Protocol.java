package b8g.components;

import b8g.capabilities.Right;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.List;

/**
 * The one definition of the protocol between the host and the prelude in a component's isolate.
 * Java reads these constants; the prelude reads the same values as {@code const} declarations
 * that {@link #jsDeclarations()} writes from this class into the boot script, ahead of the
 * prelude's own files. So a code exists once, here, and ProtocolTest fails when the prelude uses
 * a name this class lacks, declares one itself, or leaves one unused.
 *
 * <p>Two directions, each with its own codes:
 * <ul>
 *   <li>{@code TO_HOST_*}: the first argument of the one native function a component can call
 *       (the dispatcher, {@link DispatchAdapter}), from the prelude's {@code call(op, ...)};
 *   <li>{@code TO_GUEST_*}: the first argument of the prelude's entry point, which only the host
 *       holds ({@link GuestEntry}).
 * </ul>
 *
 * <p>What travels besides numbers and strings:
 * <ul>
 *   <li><b>Errors</b> from the dispatcher: a string {@link #ERROR_MARK}{@code code}{@link
 *       #ERROR_MARK}{@code message}; the prelude turns {@code type} into a {@code TypeError},
 *       {@code range} and {@code channel.too_large} into a {@code RangeError}, every other code
 *       into a {@code CapabilityError} with that code.
 *   <li><b>Capability records</b>: {@link #RECORD_FIELDS} fields per capability (name, kind, slot,
 *       rights, size, value), each written as {@code length:text} ({@link Fields}). A string, not
 *       a V8 object: building an object from Java would run setters user code put on
 *       {@code Object.prototype}.
 *   <li><b>Value lists</b> (a child's plain-string grants, from the prelude): {@code name, value}
 *       pairs in the same field encoding.
 *   <li><b>Kinds</b> ({@code KIND_*}) and <b>rights bits</b> ({@code RIGHT_*}, from {@link Right}).
 * </ul>
 */
final class Protocol {
  private Protocol() {}

  // ---- prelude -> host: the dispatcher's operations -------------------------------------------
  /** Wakes the peer of a channel end (slot); of a service or serve capability: (slot, part), see {@link ServiceBinding#part}. */
  static final int TO_HOST_SIGNAL = 1;
  static final int TO_HOST_LOG = 2;
  static final int TO_HOST_EXIT = 3;
  static final int TO_HOST_REGION_READ = 4;
  static final int TO_HOST_REGION_WRITE = 5;
  static final int TO_HOST_ATTENUATE = 6;
  static final int TO_HOST_RUN = 7;
  static final int TO_HOST_CHILD_TERMINATE = 8;
  static final int TO_HOST_WATCH_PATH = 9;
  static final int TO_HOST_UNWATCH = 10;
  static final int TO_HOST_EXPORT = 11;
  static final int TO_HOST_LINK = 12;
  static final int TO_HOST_TIMER = 13;
  /** The shared memory of a slot, once per binding; of a service or serve capability: (slot, part), one ring each. */
  static final int TO_HOST_BUFFER = 14;
  static final int TO_HOST_SNAPSHOT = 16;
  static final int TO_HOST_TIMER_CLEAR = 17;
  static final int TO_HOST_WATCH_REGION = 18;
  /** Opens a compression engine: format ("gzip", "deflate", "deflate-raw"), 1 to compress or 0; returns its handle ({@link CompressionStreams}). */
  static final int TO_HOST_ZIP_OPEN = 50;
  /** Gives an engine (handle) one chunk of input: an ArrayBuffer, offset, length (at most {@link CompressionStreams#MAX_INPUT} bytes). */
  static final int TO_HOST_ZIP_WRITE = 51;
  /** The engine's next slice of output as an ArrayBuffer; empty when it needs more input or has ended. */
  static final int TO_HOST_ZIP_READ = 52;
  /** The engine's input has ended: its last output comes through TO_HOST_ZIP_READ. */
  static final int TO_HOST_ZIP_FINISH = 53;
  /** Frees an engine (its stream closed, cancelled or errored); unknown handles are ignored. */
  static final int TO_HOST_ZIP_FREE = 54;
  /** The URL Standard's domain to ASCII for a non-ASCII or punycode domain; the empty string for failure ({@link DomainToAscii}). */
  static final int TO_HOST_DOMAIN_TO_ASCII = 55;
  /** Connects a NET capability (slot) to host, port; answered by TO_GUEST_SETTLED with request id. */
  static final int TO_HOST_NET_CONNECT = 70;
  /** Listens on host, port (0: any free port) under a NET capability (slot); answered by TO_GUEST_SETTLED. */
  static final int TO_HOST_NET_LISTEN = 71;
  /** The next connection of a listener (slot, listener id); answered by TO_GUEST_SETTLED. */
  static final int TO_HOST_NET_ACCEPT = 72;
  /** Closes a listener (slot, listener id); its pending accepts fail. Unknown ids are ignored. */
  static final int TO_HOST_NET_CLOSE = 73;
  /**
   * An HTTP request under a NET capability: slot, the request as fields (request id, method, URL,
   * redirect mode, then header name and value pairs), body (ArrayBuffer, offset, length); answered
   * by TO_GUEST_SETTLED.
   */
  static final int TO_HOST_NET_FETCH = 74;
  /**
   * Gives up a pending request (slot, request id; an AbortSignal): its sockets close and it
   * answers net.aborted, or frees what it made. Unknown or settled ids are ignored.
   */
  static final int TO_HOST_NET_CANCEL = 75;
  /** The host's monotonic clock, in milliseconds on the Unix epoch's scale, in steps of 0.1 ms ({@link HostClock}). */
  static final int TO_HOST_CLOCK = 40;
  /** {@code n} bytes (at most 65,536) from the host's CSPRNG, as a new ArrayBuffer. */
  static final int TO_HOST_RANDOM = 41;
  /** The digest of bytes (an ArrayBuffer, offset, length) by a WebCrypto hash name ({@code SHA-256}), as a new ArrayBuffer. */
  static final int TO_HOST_DIGEST = 42;
  /** The HMAC of bytes under a key (the key a whole ArrayBuffer, the bytes an ArrayBuffer, offset, length) and a hash name, as a new ArrayBuffer. */
  static final int TO_HOST_HMAC = 43;
  /**
   * Opens a file under a directory capability, asynchronously: slot, request id, path (relative
   * to the directory), {@code OPEN_*} flags. Returns at once; the host answers with
   * {@link #TO_GUEST_SETTLED} (records of a reader named {@code reader} and/or a writer named {@code writer}).
   */
  static final int TO_HOST_OPEN = 60;
  /** Growable memory (WebAssembly, resizable ArrayBuffers), with a {@code MEMORY_*} sub-operation; see {@link MemoryBudget}. */
  static final int TO_HOST_MEMORY = 32;
  /** Returns the component's off-heap budget in bytes; from then on its turn ends measure growable memory. */
  static final int MEMORY_RESERVE = 1;
  /** Runs a full GC (at most once per turn), so the prelude's weak references to dead memory clear. */
  static final int MEMORY_COLLECT = 2;

  // ---- host -> prelude: the entry point's operations -------------------------------------------
  static final int TO_GUEST_ATTACH = 1;
  static final int TO_GUEST_DETACH = 2;
  static final int TO_GUEST_START = 3;
  static final int TO_GUEST_WAKE = 4;
  static final int TO_GUEST_REVOKE = 5;
  static final int TO_GUEST_TIMER = 6;
  static final int TO_GUEST_WATCH_EVENT = 7;
  static final int TO_GUEST_CHILD_EXIT = 8;
  static final int TO_GUEST_PREPARE = 10;
  static final int TO_GUEST_RESTORE_BEGIN = 11;
  static final int TO_GUEST_REBIND = 12;
  static final int TO_GUEST_RESUMED = 13;
  static final int TO_GUEST_SNAPSHOT_DONE = 14;
  static final int TO_GUEST_VALUES = 15;
  /** Hands the prelude one compiled module of the graph: name, function, encoded requires. */
  static final int TO_GUEST_MODULE = 20;
  /** Requires the graph's entry point by name (user code runs): its exports may hold {@code main}. */
  static final int TO_GUEST_REQUIRE = 21;
  /**
   * An asynchronous host request ({@link #TO_HOST_OPEN}, {@code TO_HOST_NET_*}) is settled:
   * request id, '' or its error as fields (code, message), and its result as fields: the
   * capability records installed, then the operation's own (see hostRequest in records.js).
   */
  static final int TO_GUEST_SETTLED = 45;
  /** Asks the prelude for the committed bytes of its WebAssembly memories (see {@link MemoryBudget}). */
  static final int TO_GUEST_MEMORY = 32;
  /**
   * A served service has a new client (a link at run time): slot, the binding's index, its methods
   * (comma-separated, empty for all). The prelude fetches the binding's rings by part.
   */
  static final int TO_GUEST_SERVICE_BINDING = 40;

  // ---- what travels ---------------------------------------------------------------------------
  /** Starts and separates the code of an error returned by the dispatcher. */
  static final String ERROR_MARK = "\0";
  /** Fields per capability record: name, kind, slot, rights, size, value. */
  static final int RECORD_FIELDS = 6;

  static final String KIND_REGION = "region";
  static final String KIND_READER = "reader";
  static final String KIND_WRITER = "writer";
  static final String KIND_RUN = "run";
  static final String KIND_WATCH = "watch";
  static final String KIND_LOG = "log";
  static final String KIND_SNAPSHOT = "snapshot";
  /** A plain string in {@code env} (a link secret, a child's argument): no authority. */
  static final String KIND_VALUE = "value";
  /** A child started with {@code run}: a stub of the prelude's own, never from the host. */
  static final String KIND_CHILD = "child";
  /** A directory whose files the holder may open ({@code open(path, options)}). */
  static final String KIND_DIRECTORY = "directory";
  /** Sockets and fetch to what a NET grant's patterns allow. */
  static final String KIND_NET = "net";
  /** A client of a service (service.js): value is the methods it may call, comma-separated, empty for all. */
  static final String KIND_SERVICE = "service";
  /** The serving end of a service (service.js): value is one field of methods per client binding. */
  static final String KIND_SERVE = "serve";

  // ---- service values: the tags of service-values.js and ServiceValues, one byte each --------
  static final int VALUE_UNDEFINED = 0;
  static final int VALUE_NULL = 1;
  static final int VALUE_FALSE = 2;
  static final int VALUE_TRUE = 3;
  /** A float64, 8 bytes little-endian. */
  static final int VALUE_FLOAT = 4;
  /** A number that is an int32, 4 bytes little-endian (a shorter float64: decoded as a number). */
  static final int VALUE_INT = 5;
  /** A bigint: u8 sign (0 or 1), u32 length, the magnitude's bytes little-endian. */
  static final int VALUE_BIGINT = 6;
  /** u32 length, UTF-8. */
  static final int VALUE_STRING = 7;
  /** A Uint8Array: u32 length, the bytes. */
  static final int VALUE_BYTES = 8;
  /** An ArrayBuffer: u32 length, the bytes (decoded in Java as a byte[] like VALUE_BYTES). */
  static final int VALUE_BUFFER = 9;
  /** u32 count, the items. */
  static final int VALUE_ARRAY = 10;
  /** A plain object: u32 count, then (u32 length, UTF-8 key, value) per own enumerable string key. */
  static final int VALUE_OBJECT = 11;
  /** A Map: u32 count, then (key, value) values. */
  static final int VALUE_MAP = 12;
  /** Most bytes one encoded value may take (arguments of a call, or its result). */
  static final int VALUE_MAX_BYTES = 256 << 10;
  /** Deepest nesting of arrays, objects and Maps in a value. */
  static final int VALUE_MAX_DEPTH = 64;
  /** Calls one service client may have pending (sent or waiting for room); beyond, a RangeError. */
  static final int SERVICE_MAX_PENDING = 4096;
  /** Calls a server (the host or a component) runs at once for one client; it reads no more until one ends. */
  static final int SERVICE_MAX_IN_FLIGHT = 1024;

  static final int RIGHT_READ = Right.READ.bit();
  static final int RIGHT_WRITE = Right.WRITE.bit();
  static final int RIGHT_APPEND = Right.APPEND.bit();
  static final int RIGHT_CREATE = Right.CREATE.bit();

  // Flags of TO_HOST_OPEN, after Deno.open's options; HostServices.OPEN_* are the same bits.
  static final int OPEN_READ = HostServices.OPEN_READ;
  static final int OPEN_WRITE = HostServices.OPEN_WRITE;
  static final int OPEN_APPEND = HostServices.OPEN_APPEND;
  static final int OPEN_CREATE = HostServices.OPEN_CREATE;
  static final int OPEN_TRUNCATE = HostServices.OPEN_TRUNCATE;
  static final int OPEN_CREATE_NEW = HostServices.OPEN_CREATE_NEW;

  /** The dispatcher's answer for a failed operation. */
  static String error(String code, String message) {
    return ERROR_MARK + code + ERROR_MARK + (message == null ? code : message);
  }

  /** Appends one capability record (see the class comment). */
  static void record(StringBuilder b, String name, String kind, int slot, int rights, long size, String value) {
    Fields.append(b, name);
    Fields.append(b, kind);
    Fields.append(b, Integer.toString(slot));
    Fields.append(b, Integer.toString(rights));
    Fields.append(b, Long.toString(size));
    Fields.append(b, value);
  }

  /**
   * The protocol as JavaScript: one {@code const} per constant of this class, in declaration
   * order, for the top of the boot script.
   */
  static String jsDeclarations() {
    StringBuilder b = new StringBuilder("// The protocol, written from b8g.components.Protocol.\n");
    for (Field f : constants()) {
      try {
        Object v = f.get(null);
        b.append("const ").append(f.getName()).append(" = ")
            .append(v instanceof String s ? jsString(s) : v.toString()).append(";\n");
      } catch (IllegalAccessException e) {
        throw new IllegalStateException(e);
      }
    }
    return b.toString();
  }

  /** The constants of this class, in declaration order. */
  static List<Field> constants() {
    List<Field> out = new ArrayList<>();
    for (Field f : Protocol.class.getDeclaredFields()) {
      int m = f.getModifiers();
      if (Modifier.isStatic(m) && Modifier.isFinal(m) && (f.getType() == int.class || f.getType() == String.class)) {
        out.add(f);
      }
    }
    return out;
  }

  private static String jsString(String s) {
    StringBuilder b = new StringBuilder("'");
    for (char c : s.toCharArray()) {
      if (c < 0x20 || c == '\'' || c == '\\' || c > 0x7e) {
        b.append(String.format("\\u%04x", (int) c));
      } else {
        b.append(c);
      }
    }
    return b.append('\'').toString();
  }

  /**
   * The field encoding both directions use: each field as its length in UTF-16 units, a colon,
   * then the text ({@code 5:hello}). Decoding checks every length against what is there.
   */
  static final class Fields {
    private Fields() {}

    static void append(StringBuilder b, String field) {
      b.append(field.length()).append(':').append(field);
    }

    /**
     * Splits {@code encoded} into its fields.
     *
     * @throws ComponentException {@code type} naming {@code what} when a length is missing, not
     *     a number, or runs past the end
     */
    static List<String> split(String encoded, String what) {
      List<String> out = new ArrayList<>();
      int i = 0;
      while (i < encoded.length()) {
        int colon = encoded.indexOf(':', i);
        int len;
        try {
          len = colon < 0 ? -1 : Integer.parseInt(encoded, i, colon, 10);
        } catch (NumberFormatException e) {
          len = -1;
        }
        if (len < 0 || colon + 1 + len > encoded.length()) {
          throw new ComponentException("type", "malformed " + what);
        }
        out.add(encoded.substring(colon + 1, colon + 1 + len));
        i = colon + 1 + len;
      }
      return out;
    }
  }
}
