package b8g.components;

import static b8g.components.Protocol.*; // the TO_HOST_* codes and MEMORY_* sub-operations

import b8g.capabilities.Capability;
import b8g.capabilities.Capability.Kind;
import b8g.capabilities.CapabilityTable;
import b8g.capabilities.Right;
import b8g.errors.B8gException;
import b8g.memory.Region;
import b8g.memory.Ring;
import com.caoccao.javet.exceptions.JavetException;
import com.caoccao.javet.interop.V8Runtime;
import com.caoccao.javet.values.V8Value;
import com.caoccao.javet.values.primitive.V8ValueDouble;
import com.caoccao.javet.values.primitive.V8ValueInteger;
import com.caoccao.javet.values.primitive.V8ValueLong;
import com.caoccao.javet.values.primitive.V8ValueString;
import com.caoccao.javet.values.reference.V8ValueArrayBuffer;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Decodes and dispatches the one native function a component can call. Every argument comes from
 * untrusted code: each is type-checked, every slot is looked up in the caller's own table with the
 * kind and right the operation needs, every range is checked. Nothing here throws into V8: errors
 * return as {@link Protocol#error}, which the prelude turns into a JS error
 * ({@code CapabilityError}, {@code TypeError} or {@code RangeError}), never a Java trace.
 *
 * <p>Not on the hot path: channels call in only to wake a waiting peer.
 */
final class DispatchAdapter {
  /** Largest single copy a read-only region read may ask for; bigger reads are split by the caller. */
  static final int MAX_COPY = 64 << 20;
  static final int MAX_TEXT = 64 << 10;
  /** Longest URL a fetch may ask for (as browsers allow about 2 MB, this is generous for a component). */
  static final int MAX_URL = 64 << 10;
  /** Largest header list (names and values encoded) a fetch may send. */
  static final int MAX_HEADERS = 256 << 10;
  /** Largest request body a fetch may send (buffered whole by the prelude). */
  static final int MAX_FETCH_BODY = 16 << 20;

  private final Conductor conductor;
  private final Component component;
  private final CapabilityBinder binder;
  private final CapabilityTable table;
  private final V8Runtime rt;

  DispatchAdapter(Conductor conductor, V8Runtime rt) {
    this.conductor = conductor;
    this.component = conductor.component();
    this.binder = conductor.binder();
    this.table = conductor.table();
    this.rt = rt;
  }

  V8Value dispatch(V8Value... args) throws JavetException {
    try {
      return apply(args == null ? new V8Value[0] : args);
    } catch (B8gException e) {
      return error(e.code(), e.getMessage());
    } catch (RuntimeException e) {
      // Never a Java trace into JS; the message of an unexpected exception may carry host detail.
      return error("internal", "the host could not complete the operation");
    }
  }

  private V8Value apply(V8Value[] a) throws JavetException {
    int op = intArg(a, 0, "operation");
    switch (op) {
      case TO_HOST_SIGNAL -> {
        Capability cap = table.require(intArg(a, 1, "slot"), null, Kind.CHANNEL_READER, Kind.CHANNEL_WRITER,
            Kind.SERVICE, Kind.SERVE);
        if (cap.kind() == Kind.SERVICE || cap.kind() == Kind.SERVE) {
          signalService(cap, intArg(a, 2, "part"));
          return rt.createV8ValueUndefined();
        }
        Ring ch = cap.target(Ring.class);
        if (cap.kind() == Kind.CHANNEL_READER) {
          ch.wakeWriter();
        } else {
          ch.wakeReader();
        }
        return rt.createV8ValueUndefined();
      }
      case TO_HOST_LOG -> {
        table.require(intArg(a, 1, "slot"), null, Kind.LOG);
        String level = stringArg(a, 2, "level", 16);
        String text = stringArg(a, 3, "text", Integer.MAX_VALUE);
        if (text.length() > MAX_TEXT) {
          text = text.substring(0, MAX_TEXT) + "... (" + (text.length() - MAX_TEXT) + " more characters)";
        }
        // A stack a TypeScript component prints names its .ts lines, as its exit reason does.
        component.services().log(component, level, conductor.originalPositions(text));
        return rt.createV8ValueUndefined();
      }
      case TO_HOST_EXIT -> {
        conductor.requestExit(intArg(a, 1, "code"), stringArg(a, 2, "message", Integer.MAX_VALUE));
        return rt.createV8ValueUndefined();
      }
      case TO_HOST_REGION_READ -> {
        Capability cap = table.require(intArg(a, 1, "slot"), Right.READ, Kind.REGION);
        Region region = cap.target(Region.class);
        int offset = intArg(a, 2, "offset");
        int length = intArg(a, 3, "length");
        checkRange(region, offset, length);
        byte[] copy = new byte[length];
        ByteBuffer view = region.byteBuffer().duplicate();
        view.position(offset);
        view.get(copy);
        V8ValueArrayBuffer ab = rt.createV8ValueArrayBuffer(length);
        ab.fromBytes(copy);
        return ab;
      }
      case TO_HOST_REGION_WRITE -> {
        Capability cap = table.require(intArg(a, 1, "slot"), Right.WRITE, Kind.REGION);
        Region region = cap.target(Region.class);
        int offset = intArg(a, 2, "offset");
        // Straight from the caller's buffer (no heap copy); a put between direct buffers is a memmove,
        // so a source that is this region's own shared view is fine too.
        ByteBuffer bytes = bytesView(a, 3, "region.write: data", region.size());
        checkRange(region, offset, bytes.remaining());
        ByteBuffer view = region.byteBuffer().duplicate();
        view.position(offset);
        view.put(bytes);
        return rt.createV8ValueUndefined();
      }
      case TO_HOST_ATTENUATE -> {
        Capability cap = table.require(intArg(a, 1, "slot"), null, Kind.REGION);
        int mask = intArg(a, 2, "rights");
        Capability narrower = cap.attenuate(Right.fromMask(mask));
        // Named after its parent so a restore can derive it again from the parent granted then.
        String parent = binder.slotName(intArg(a, 1, "slot"));
        return text(binder.installAll(Map.of((parent == null ? "region" : parent) + "#" + mask, narrower), ""));
      }
      case TO_HOST_RUN -> {
        Capability run = table.require(intArg(a, 1, "slot"), null, Kind.RUN);
        String script = stringArg(a, 2, "script", 4096);
        String names = stringArg(a, 3, "grant names", MAX_TEXT);
        String slots = stringArg(a, 4, "grant slots", MAX_TEXT);
        Map<String, String> values = valuesFrom(stringArg(a, 5, "grant values", 1 << 20));
        List<Integer> moved = new ArrayList<>();
        Map<String, Capability> grants = grantsFor(names, slots, moved);
        long id;
        try {
          for (String k : values.keySet()) {
            if (grants.containsKey(k)) {
              throw new ComponentException("type", "grant name \"" + k + "\" is used twice");
            }
          }
          id = component.services().run(component, run, script, grants, values);
        } catch (RuntimeException e) {
          // Nothing was handed over: the child's copies go, the caller keeps its channel ends.
          grants.values().forEach(Capability::revoke);
          throw e;
        }
        for (int slot : moved) {
          binder.transferredOut(slot);
        }
        return rt.createV8ValueDouble(id);
      }
      case TO_HOST_CHILD_TERMINATE -> {
        table.require(intArg(a, 1, "slot"), null, Kind.RUN);
        component.services().terminateChild(component, longArg(a, 2, "child id"));
        return rt.createV8ValueUndefined();
      }
      case TO_HOST_WATCH_PATH -> {
        Capability watch = table.require(intArg(a, 1, "slot"), null, Kind.WATCH);
        long id = component.services().watchPath(component, watch, stringArg(a, 2, "path", 4096));
        return rt.createV8ValueDouble(id);
      }
      case TO_HOST_WATCH_REGION -> {
        Capability watch = table.require(intArg(a, 1, "slot"), null, Kind.WATCH);
        // Seeing when a region changes is reading it: the region capability needs READ.
        Capability region = table.require(intArg(a, 2, "region"), Right.READ, Kind.REGION);
        long id = component.services().watchRegion(component, watch, region);
        return rt.createV8ValueDouble(id);
      }
      case TO_HOST_UNWATCH -> {
        table.require(intArg(a, 1, "slot"), null, Kind.WATCH);
        component.services().unwatch(component, longArg(a, 2, "watch id"));
        return rt.createV8ValueUndefined();
      }
      case TO_HOST_EXPORT -> {
        String name = stringArg(a, 1, "name", 256);
        int slot = intArg(a, 2, "slot");
        Capability cap = table.require(slot, null);
        if (cap.kind() == Kind.SERVE) {
          throw new ComponentException("capability.kind", "the serving end of a service cannot be exported; export a client of it");
        }
        component.services().export(component, name, cap);
        if (cap.kind() == Kind.CHANNEL_READER || cap.kind() == Kind.CHANNEL_WRITER) {
          // A ring has one reader and one writer: exporting an end hands it over (to the first linker).
          binder.transferredOut(slot);
        }
        return rt.createV8ValueUndefined();
      }
      case TO_HOST_LINK -> {
        String secret = stringArg(a, 1, "secret", 256);
        Map<String, Capability> caps = component.services().link(component, secret);
        return text(binder.installAll(caps, "link:"));
      }
      case TO_HOST_TIMER -> {
        int id = intArg(a, 1, "timer id");
        int ms = intArg(a, 2, "delay");
        if (ms < 0) {
          throw new ComponentException("range", "delay must not be negative");
        }
        conductor.timers().schedule(id, ms);
        return rt.createV8ValueUndefined();
      }
      case TO_HOST_TIMER_CLEAR -> {
        conductor.timers().clear(intArg(a, 1, "timer id"));
        return rt.createV8ValueUndefined();
      }
      case TO_HOST_BUFFER -> {
        int slot = intArg(a, 1, "slot");
        Capability cap = table.require(slot, null, Kind.REGION, Kind.CHANNEL_READER, Kind.CHANNEL_WRITER,
            Kind.SERVICE, Kind.SERVE);
        return binder.buffer(rt, slot, cap, a.length > 2 && !(a[2].isUndefined()) ? intArg(a, 2, "part") : 0);
      }
      case TO_HOST_OPEN -> {
        Capability dir = table.require(intArg(a, 1, "slot"), null, Kind.DIRECTORY);
        long id = longArg(a, 2, "request id");
        String path = stringArg(a, 3, "path", 4096);
        int flags = intArg(a, 4, "flags");
        // Opened by the host off this thread; the promise settles with TO_GUEST_SETTLED.
        component.services().open(component, dir, path, flags, id);
        return rt.createV8ValueUndefined();
      }
      case TO_HOST_SNAPSHOT -> {
        Capability cap = table.require(intArg(a, 1, "slot"), null, Kind.SNAPSHOT);
        long id = longArg(a, 2, "request id");
        String path = stringArg(a, 3, "path", 4096);
        // Taken by the host after this turn ends (never inside it); the promise settles then.
        component.services().snapshot(component, cap, path, id);
        return rt.createV8ValueUndefined();
      }
      case TO_HOST_NET_CONNECT, TO_HOST_NET_LISTEN -> {
        Capability net = table.require(intArg(a, 1, "slot"), null, Kind.NET);
        String host = stringArg(a, 2, "host", 256);
        int port = intArg(a, 3, "port");
        if (port < (op == TO_HOST_NET_LISTEN ? 0 : 1) || port > 65535) {
          throw new ComponentException("range", "port " + port + " is out of range (" + (op == TO_HOST_NET_LISTEN ? 0 : 1)
              + " to 65535)");
        }
        long id = longArg(a, 4, "request id");
        if (op == TO_HOST_NET_CONNECT) {
          component.services().netConnect(component, net, host, port, id);
        } else {
          component.services().netListen(component, net, host, port, id);
        }
        return rt.createV8ValueUndefined();
      }
      case TO_HOST_NET_ACCEPT -> {
        Capability net = table.require(intArg(a, 1, "slot"), null, Kind.NET);
        component.services().netAccept(component, net, longArg(a, 2, "listener id"), longArg(a, 3, "request id"));
        return rt.createV8ValueUndefined();
      }
      case TO_HOST_NET_CLOSE -> {
        Capability net = table.require(intArg(a, 1, "slot"), null, Kind.NET);
        component.services().netClose(component, net, longArg(a, 2, "listener id"));
        return rt.createV8ValueUndefined();
      }
      case TO_HOST_NET_CANCEL -> {
        Capability net = table.require(intArg(a, 1, "slot"), null, Kind.NET);
        component.services().netCancel(component, net, longArg(a, 2, "request id"));
        return rt.createV8ValueUndefined();
      }
      case TO_HOST_NET_FETCH -> {
        Capability net = table.require(intArg(a, 1, "slot"), null, Kind.NET);
        // One string of fields (call() passes at most five arguments): request id, method, URL,
        // redirect mode, then header name and value pairs.
        List<String> f = Protocol.Fields.split(stringArg(a, 2, "request", MAX_URL + MAX_HEADERS), "request");
        if (f.size() < 4 || f.size() % 2 != 0) {
          throw new ComponentException("type", "malformed request");
        }
        long id;
        try {
          id = Long.parseLong(f.get(0));
        } catch (NumberFormatException e) {
          throw new ComponentException("type", "malformed request id");
        }
        String method = f.get(1);
        String url = f.get(2);
        String redirect = f.get(3);
        if (method.length() > 64 || url.length() > MAX_URL) {
          throw new ComponentException("range", "the method or URL is too long");
        }
        if (!redirect.equals("follow") && !redirect.equals("manual") && !redirect.equals("error")) {
          throw new ComponentException("type", "redirect must be \"follow\", \"manual\" or \"error\"");
        }
        byte[] body = bytesArg(a, 3, "fetch: the request body", MAX_FETCH_BODY);
        component.services().fetch(component, net, id, method, url, List.copyOf(f.subList(4, f.size())), redirect, body);
        return rt.createV8ValueUndefined();
      }
      case TO_HOST_ZIP_OPEN -> {
        String format = stringArg(a, 1, "format", 16);
        return rt.createV8ValueInteger(conductor.compression().open(format, intArg(a, 2, "direction") != 0));
      }
      case TO_HOST_ZIP_WRITE -> {
        int handle = intArg(a, 1, "handle");
        conductor.compression().write(handle, bytesArg(a, 2, "a compression chunk", CompressionStreams.MAX_INPUT));
        return rt.createV8ValueUndefined();
      }
      case TO_HOST_ZIP_READ -> {
        byte[] out = conductor.compression().read(intArg(a, 1, "handle"));
        V8ValueArrayBuffer ab = rt.createV8ValueArrayBuffer(out.length);
        if (out.length > 0) {
          ab.fromBytes(out);
        }
        return ab;
      }
      case TO_HOST_ZIP_FINISH -> {
        conductor.compression().finish(intArg(a, 1, "handle"));
        return rt.createV8ValueUndefined();
      }
      case TO_HOST_ZIP_FREE -> {
        conductor.compression().free(intArg(a, 1, "handle"));
        return rt.createV8ValueUndefined();
      }
      case TO_HOST_DOMAIN_TO_ASCII -> {
        return text(DomainToAscii.apply(stringArg(a, 1, "domain", DomainToAscii.MAX_INPUT)));
      }
      case TO_HOST_CLOCK -> {
        return rt.createV8ValueDouble(HostClock.millis());
      }
      case TO_HOST_RANDOM -> {
        int n = intArg(a, 1, "byte count");
        if (n < 0 || n > WebCrypto.MAX_RANDOM) {
          throw new ComponentException("range", "crypto: " + n + " random bytes asked for; one call gives 0 to " + WebCrypto.MAX_RANDOM);
        }
        return arrayBuffer(WebCrypto.random(n));
      }
      case TO_HOST_DIGEST -> {
        String hash = stringArg(a, 1, "hash name", 16);
        // Hashed straight from the caller's buffer during this call: no copy of up to MAX_INPUT bytes.
        return arrayBuffer(WebCrypto.digest(hash, bytesView(a, 2, "crypto.subtle.digest: data", WebCrypto.MAX_INPUT)));
      }
      case TO_HOST_HMAC -> {
        String hash = stringArg(a, 1, "hash name", 16);
        // The key is a buffer of its own (the prelude copies every key it holds).
        if (a.length <= 2 || !(a[2] instanceof V8ValueArrayBuffer keyBuffer) || keyBuffer.getByteBuffer() == null
            || keyBuffer.getByteBuffer().capacity() > WebCrypto.MAX_RANDOM) {
          throw new ComponentException("type", "crypto.subtle: the HMAC key must be an ArrayBuffer of at most " + WebCrypto.MAX_RANDOM + " bytes");
        }
        byte[] key = new byte[keyBuffer.getByteBuffer().capacity()];
        keyBuffer.getByteBuffer().duplicate().position(0).get(key);
        return arrayBuffer(WebCrypto.hmac(hash, key, bytesView(a, 3, "crypto.subtle: data", WebCrypto.MAX_INPUT)));
      }
      case TO_HOST_MEMORY -> {
        switch (intArg(a, 1, "memory operation")) {
          case MEMORY_RESERVE -> {
            return rt.createV8ValueDouble(conductor.limits().memory().reserve());
          }
          case MEMORY_COLLECT -> {
            conductor.limits().memory().collectForReservation(rt);
            return rt.createV8ValueUndefined();
          }
          default -> throw new ComponentException("type", "unknown memory operation");
        }
      }
      default -> throw new ComponentException("type", "unknown operation " + op);
    }
  }

  /**
   * Wakes the other side of one ring of a service: the client writes requests (part 0) and reads
   * responses (part 1); the server the other way round, for each of its bindings.
   */
  private static void signalService(Capability cap, int part) {
    ServiceBinding b;
    if (cap.kind() == Kind.SERVICE) {
      b = part == 0 || part == 1 ? cap.target(ServiceBinding.class) : null;
    } else {
      b = cap.target(ServedService.class).binding(ServiceBinding.binding(part));
    }
    if (b == null || part < 0) {
      throw new ComponentException("range", "no ring " + part + " in this service capability");
    }
    boolean requests = (part & 1) == 0;
    boolean client = cap.kind() == Kind.SERVICE;
    // The client writes requests and reads responses: it wakes their reader and writer respectively.
    if (requests == client) {
      b.part(part).wakeReader();
    } else {
      b.part(part).wakeWriter();
    }
  }

  /**
   * The capabilities a parent passes to a child: region and host capabilities are derived (the
   * parent keeps its own); channel ends are moved (a ring has one reader and one writer), so the
   * parent's slot is dropped and its stub stops working.
   */
  private Map<String, Capability> grantsFor(String names, String slots, List<Integer> moved) {
    Map<String, Capability> grants = new LinkedHashMap<>();
    if (names.isEmpty() && slots.isEmpty()) {
      return grants;
    }
    String[] n = names.split("\n", -1);
    String[] s = slots.split(",", -1);
    if (n.length != s.length) {
      throw new ComponentException("type", "grant names and capabilities do not match");
    }
    for (int i = 0; i < n.length; i++) {
      int slot;
      try {
        slot = Integer.parseInt(s[i]);
      } catch (NumberFormatException e) {
        throw new ComponentException("type", "grant \"" + n[i] + "\" is not a capability");
      }
      Capability cap = table.require(slot, null);
      if (cap.kind() == Kind.SERVICE || cap.kind() == Kind.SERVE) {
        // Two holders of one ring pair would break both; a link hands a service on with rings of its own.
        throw new ComponentException("capability.kind", "grant \"" + n[i] + "\" is a service, which run cannot pass to a child yet; "
            + "export it and let the child link");
      }
      if (grants.containsKey(n[i])) {
        throw new ComponentException("type", "grant name \"" + n[i] + "\" is used twice");
      }
      grants.put(n[i], cap.derive());
      if (cap.kind() == Kind.CHANNEL_READER || cap.kind() == Kind.CHANNEL_WRITER) {
        moved.add(slot);
      }
    }
    return grants;
  }

  /** Decodes {@code len:name len:value ...} pairs, as the prelude encodes plain-value grants. */
  static Map<String, String> valuesFrom(String encoded) {
    List<String> fields = Protocol.Fields.split(encoded, "grant values");
    if (fields.size() % 2 != 0) {
      throw new ComponentException("type", "malformed grant values");
    }
    Map<String, String> out = new LinkedHashMap<>();
    for (int i = 0; i < fields.size(); i += 2) {
      if (out.put(fields.get(i), fields.get(i + 1)) != null) {
        throw new ComponentException("type", "grant name \"" + fields.get(i) + "\" is used twice");
      }
    }
    return out;
  }

  private static void checkRange(Region region, int offset, int length) {
    if (offset < 0 || length < 0 || length > MAX_COPY || (long) offset + length > region.size()) {
      throw new ComponentException("range", "range [" + offset + ", " + ((long) offset + length) + ") is outside the region of " + region.size() + " bytes");
    }
  }

  private V8ValueArrayBuffer arrayBuffer(byte[] bytes) throws JavetException {
    V8ValueArrayBuffer ab = rt.createV8ValueArrayBuffer(bytes.length);
    ab.fromBytes(bytes);
    return ab;
  }

  /**
   * A copy of the bytes {@link #bytesView} gives, for what keeps them past the call (a
   * compression engine's pending input): JS may detach or reuse its buffer after the call.
   */
  private static byte[] bytesArg(V8Value[] a, int i, String what, long max) throws JavetException {
    ByteBuffer view = bytesView(a, i, what, max);
    byte[] out = new byte[view.remaining()];
    view.get(out);
    return out;
  }

  /**
   * The bytes {@code [offset, offset + length)} of an ArrayBuffer: arguments {@code i} (the
   * buffer), {@code i + 1} and {@code i + 2}, as the prelude passes a view (read through the
   * buffer's backing store: no JS getter runs, and a view's offset is honoured), at most {@code
   * max} bytes, checked before anything is read. A read-only slice of the backing store, no copy:
   * valid only during this call (no JS runs meanwhile, so the buffer can be neither detached nor
   * resized), never to be kept.
   */
  private static ByteBuffer bytesView(V8Value[] a, int i, String what, long max) throws JavetException {
    if (i >= a.length || !(a[i] instanceof V8ValueArrayBuffer buffer)) {
      throw new ComponentException("type", what + " must be an ArrayBuffer");
    }
    int offset = intArg(a, i + 1, "offset");
    int length = intArg(a, i + 2, "length");
    if (length > max) {
      throw new ComponentException("range", what + " is " + length + " bytes; at most " + max + " fit");
    }
    ByteBuffer store = buffer.getByteBuffer();
    int capacity = store == null ? 0 : store.capacity();
    if (offset < 0 || length < 0 || (long) offset + length > capacity) {
      throw new ComponentException("range", what + ": bytes [" + offset + ", " + ((long) offset + length) + ") are outside the buffer of " + capacity);
    }
    return length == 0 ? ByteBuffer.allocate(0) : store.slice(offset, length).asReadOnlyBuffer();
  }

  /**
   * A string result. The prelude's {@code call()} takes any string starting with {@link
   * Protocol#ERROR_MARK} for a host error, so a result that could (one built from what the
   * component passed) is refused here rather than misread there.
   */
  private V8Value text(String s) throws JavetException {
    if (s.startsWith(Protocol.ERROR_MARK)) {
      throw new ComponentException("internal", "the host produced a result it cannot return");
    }
    return rt.createV8ValueString(s);
  }

  private V8Value error(String code, String message) throws JavetException {
    return rt.createV8ValueString(Protocol.error(code, message));
  }

  private static int intArg(V8Value[] a, int i, String what) {
    long v = longArg(a, i, what);
    if (v < Integer.MIN_VALUE || v > Integer.MAX_VALUE) {
      throw new ComponentException("range", what + " is out of range");
    }
    return (int) v;
  }

  private static long longArg(V8Value[] a, int i, String what) {
    V8Value v = i < a.length ? a[i] : null;
    if (v instanceof V8ValueInteger x) {
      return x.getValue();
    }
    if (v instanceof V8ValueLong x) {
      return x.getValue();
    }
    if (v instanceof V8ValueDouble x) {
      double d = x.getValue();
      if (d == Math.rint(d) && Math.abs(d) < (1L << 53)) {
        return (long) d;
      }
    }
    throw new ComponentException("type", what + " must be an integer");
  }

  private static String stringArg(V8Value[] a, int i, String what, int max) {
    V8Value v = i < a.length ? a[i] : null;
    if (!(v instanceof V8ValueString s)) {
      throw new ComponentException("type", what + " must be a string");
    }
    String str = s.getValue();
    if (str.length() > max) {
      throw new ComponentException("range", what + " is longer than " + max + " characters");
    }
    return str;
  }
}
