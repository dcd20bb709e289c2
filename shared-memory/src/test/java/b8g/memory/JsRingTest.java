package b8g.memory;

import static b8g.memory.RingDescriptor.TYPE_BYTES;
import static b8g.memory.RingDescriptor.TYPE_TEXT;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.caoccao.javet.exceptions.JavetException;
import com.caoccao.javet.interop.V8Host;
import com.caoccao.javet.interop.V8Runtime;
import com.caoccao.javet.values.reference.V8ValueArrayBuffer;
import com.caoccao.javet.values.reference.V8ValueFunction;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * ring.js in real V8 isolates (Javet), each on its own thread, against the Java ends and against
 * itself. The JS ends are driven the way a host drives them: a {@code step()} function runs a
 * batch and reports whether the partner must be signalled and whether it armed its waiting flag;
 * the driver then calls {@link Ring#wakeReader()}/{@link Ring#wakeWriter()} and parks until the
 * partner's hook unparks it. A lost wake-up shows as a driver stuck for {@link #PATIENCE}.
 */
class JsRingTest {
  private static final Duration PATIENCE = Duration.ofSeconds(30);
  private static final int CAPACITY = 4096;
  private static final int MAX = CAPACITY / 2 - 8;

  /** Mirrors {@link Payloads} in JS: size sequence, pool, CRC32C, fill and check. */
  static final String PAYLOADS_JS = """
      const POOL = (() => {
        const p = new Uint8Array(2 << 16);
        for (let i = 0; i < p.length; i++) p[i] = (i * 131 + (i >>> 7)) & 255;
        return p;
      })();
      const CRC_TABLE = (() => {
        const t = new Int32Array(256);
        for (let n = 0; n < 256; n++) {
          let c = n;
          for (let k = 0; k < 8; k++) c = (c & 1) ? (0x82F63B78 ^ (c >>> 1)) : (c >>> 1);
          t[n] = c;
        }
        return t;
      })();
      function crc(u8, from, to) {
        let c = -1;
        for (let i = from; i < to; i++) c = CRC_TABLE[(c ^ u8[i]) & 255] ^ (c >>> 8);
        return ~c | 0;
      }
      function getInt(u8, at) {
        return u8[at] | u8[at + 1] << 8 | u8[at + 2] << 16 | u8[at + 3] << 24;
      }
      function putInt(u8, at, v) {
        u8[at] = v; u8[at + 1] = v >>> 8; u8[at + 2] = v >>> 16; u8[at + 3] = v >>> 24;
      }
      class Sizes {
        constructor(seed, max) { this.s = (seed | 0) || 1; this.max = max; }
        next() {
          let x = this.s;
          x ^= x << 13; x ^= x >>> 17; x ^= x << 5;
          this.s = x;
          const select = x & 15, r = x >>> 8;
          if (select < 11) return r % 65;
          if (select < 15) return r % (this.max + 1);
          return this.max - r % 64;
        }
      }
      function fill(buf, seq, size) {
        const off = (seq * 8) & 0xffff;
        for (let i = 0; i < size; i++) buf[i] = POOL[off + i];
        if (size >= 4) putInt(buf, 0, seq);
        if (size >= 8) putInt(buf, 4, crc(buf, 8, size));
      }
      function check(data, seq, size, type) {
        const expected = (seq & 1) ? 3 : 2;
        if (type !== expected) throw new Error('message ' + seq + ': type ' + type);
        if (data.length !== size) throw new Error('message ' + seq + ': length ' + data.length + ', expected ' + size);
        if (size >= 4 && getInt(data, 0) !== seq) throw new Error('message ' + seq + ': carries ' + getInt(data, 0));
        if (size >= 8 && getInt(data, 4) !== crc(data, 8, size)) throw new Error('message ' + seq + ': checksum mismatch');
        const off = (seq * 8) & 0xffff;
        for (let i = size >= 8 ? 8 : size >= 4 ? 4 : 0; i < size; i++) {
          if (data[i] !== POOL[off + i]) throw new Error('message ' + seq + ': byte ' + i + ' differs');
        }
      }
      """;

  /**
   * step() of a JS reader: returns count << 3 | done << 2 | armed << 1 | signal. Alternates the
   * copying poll() and the zero-copy peek()/release().
   */
  static final String READER_JS = """
      const r = R.reader(ab);
      const sizes = new Sizes(SEED, MAX);
      let seq = 0;
      function step() {
        let n = 0, flags = 0;
        for (;;) {
          const inPlace = (seq & 1) === 1;
          const type = inPlace ? r.peek() : r.poll();
          if (type === 0) {
            if (r.armWait()) continue;
            flags |= 2;
            break;
          }
          if (type === R.TYPE.END) {
            if (inPlace) r.release();
            if (seq !== COUNT) throw new Error('END after ' + seq + ' messages, expected ' + COUNT);
            flags |= 4;
            break;
          }
          check(inPlace ? r.view : r.bytes, seq, sizes.next(), type);
          if (inPlace) r.release();
          seq++;
          if (++n === 4096) break;
        }
        if (r.wake) { r.wake = false; flags |= 1; }
        return n << 3 | flags;
      }
      """;

  /** step() of a JS writer, same encoding; writes COUNT messages then END. */
  static final String WRITER_JS = """
      const w = R.writer(ab);
      if (w.maxPayload !== MAX) throw new Error('maxPayload ' + w.maxPayload);
      const sizes = new Sizes(SEED, MAX);
      const buf = new Uint8Array(MAX);
      const EMPTY = new Uint8Array(0);
      let seq = 0, view = null;
      function step() {
        let n = 0, flags = 0;
        for (;;) {
          let type;
          if (seq < COUNT) {
            if (view === null) {
              const size = sizes.next();
              fill(buf, seq, size);
              view = new Uint8Array(buf.buffer, 0, size);
            }
            type = (seq & 1) ? 3 : 2;
          } else if (seq === COUNT) {
            view = EMPTY;
            type = R.TYPE.END;
          } else {
            return n << 3 | flags | 4;
          }
          const result = w.offer(view, type);
          if (result === 0) {
            if (w.armWait()) continue;
            return n << 3 | flags | 2;
          }
          if (result === 2) flags |= 1;
          view = null;
          seq++;
          if (++n === 4096) return n << 3 | flags;
        }
      }
      """;

  private ExecutorService threads;
  private final List<Region> regions = new ArrayList<>();

  @BeforeEach
  void start() {
    threads = Executors.newFixedThreadPool(2);
  }

  @AfterEach
  void stop() throws InterruptedException {
    threads.shutdownNow();
    assertTrue(threads.awaitTermination(30, TimeUnit.SECONDS));
    regions.forEach(Region::close);
  }

  private Ring newRing(int capacity) {
    Region region = Region.anonymous("js-ring", RingDescriptor.totalLength(capacity));
    regions.add(region);
    return Ring.create(region);
  }

  /** A runtime with ring.js evaluated as R and the ring's memory as the global {@code ab}. */
  static V8Runtime runtime(Region region) throws JavetException {
    V8Runtime runtime = V8Host.getV8Instance().createV8Runtime();
    try {
      runtime.getExecutor("globalThis.R = (\n" + RingScript.source() + "\n);").executeVoid();
      if (region != null) {
        try (V8ValueArrayBuffer ab = runtime.createV8ValueArrayBuffer(region.byteBuffer())) {
          runtime.getGlobalObject().set("ab", ab);
        }
      }
      return runtime;
    } catch (JavetException | RuntimeException e) {
      runtime.close();
      throw e;
    }
  }

  static String constants(int seed, int count, int max) {
    return "const SEED = " + seed + ", COUNT = " + count + ", MAX = " + max + ";\n";
  }

  /**
   * Runs step() until it reports done, signalling the Java partner and parking as a host would.
   * Returns the number of messages the JS end handled.
   */
  static long drive(V8Runtime runtime, Ring ring, boolean jsReads) throws JavetException {
    Thread self = Thread.currentThread();
    if (jsReads) {
      ring.onReadable(() -> LockSupport.unpark(self));
    } else {
      ring.onWritable(() -> LockSupport.unpark(self));
    }
    long handled = 0;
    try (V8ValueFunction step = runtime.getGlobalObject().get("step")) {
      for (;;) {
        int state = step.callInteger(null);
        handled += state >>> 3;
        if ((state & 1) != 0) {
          if (jsReads) {
            ring.wakeWriter();
          } else {
            ring.wakeReader();
          }
        }
        if ((state & 4) != 0) {
          return handled;
        }
        if ((state & 2) != 0) {
          long parked = System.nanoTime();
          LockSupport.parkNanos(PATIENCE.toNanos());
          if (System.nanoTime() - parked >= PATIENCE.toNanos()) {
            throw new AssertionError("JS end never signalled after " + handled + ": lost wake-up?");
          }
        } else if (state >>> 3 == 0) {
          Thread.yield();
        }
      }
    }
  }

  private <T> Future<T> submit(Callable<T> task) {
    return threads.submit(task);
  }

  @Test
  void javaWriterShouldDeliverMillionsOfRandomMessagesToAJsReader() throws Exception {
    int count = 1_500_000;
    int seed = 0x1234;
    Ring ring = newRing(CAPACITY);
    RingWriter writer = ring.writer();
    Future<Long> js = submit(() -> {
      try (V8Runtime runtime = runtime(ring.region())) {
        runtime.getExecutor(constants(seed, count, MAX) + PAYLOADS_JS + READER_JS).executeVoid();
        return drive(runtime, ring, true);
      }
    });
    Future<Long> javaSide = submit(() -> {
      Payloads sizes = new Payloads(seed, MAX);
      byte[] buf = new byte[MAX];
      for (int seq = 0; seq < count; seq++) {
        int size = sizes.nextSize();
        Payloads.fill(buf, seq, size);
        if (!writer.write(Arrays.copyOf(buf, size), (seq & 1) == 0 ? TYPE_BYTES : TYPE_TEXT, PATIENCE)) {
          throw new AssertionError("Java writer timed out at " + seq + ": lost wake-up?");
        }
      }
      assertTrue(writer.close(PATIENCE));
      return (long) count;
    });
    assertEquals(count, javaSide.get(180, TimeUnit.SECONDS));
    assertEquals(count, js.get(60, TimeUnit.SECONDS));
  }

  @Test
  void jsWriterShouldDeliverMillionsOfRandomMessagesToAJavaReader() throws Exception {
    int count = 1_500_000;
    int seed = 0x4321;
    Ring ring = newRing(CAPACITY);
    RingReader reader = ring.reader();
    Future<Long> js = submit(() -> {
      try (V8Runtime runtime = runtime(ring.region())) {
        runtime.getExecutor(constants(seed, count, MAX) + PAYLOADS_JS + WRITER_JS).executeVoid();
        return drive(runtime, ring, false);
      }
    });
    Future<Long> javaSide = submit(() -> {
      Payloads sizes = new Payloads(seed, MAX);
      for (int seq = 0; seq < count; seq++) {
        int size = sizes.nextSize();
        Message m = reader.take(PATIENCE);
        if (m == null) {
          throw new AssertionError("Java reader timed out at " + seq + ": lost wake-up?");
        }
        assertEquals((seq & 1) == 0 ? TYPE_BYTES : TYPE_TEXT, m.type(), "type of " + seq);
        String problem = Payloads.check(m.bytes(), 0, m.bytes().length, seq, size);
        if (problem != null) {
          throw new AssertionError(problem);
        }
      }
      Message end = reader.take(PATIENCE);
      assertNotNull(end);
      assertTrue(end.isEnd());
      return (long) count;
    });
    assertEquals(count, javaSide.get(180, TimeUnit.SECONDS));
    assertEquals(count + 1, js.get(60, TimeUnit.SECONDS)); // the messages and END
  }

  @Test
  void jsWriterShouldDeliverToAJsReaderInAnotherIsolate() throws Exception {
    // 64-byte messages carrying a sequence number; the figure printed is for information only.
    int count = 3_000_000;
    Ring ring = newRing(64 * 1024);
    String writerJs = """
        const w = R.writer(ab);
        const msg = new Uint8Array(64);
        let seq = 0;
        function step() {
          let n = 0, flags = 0;
          for (;;) {
            if (seq === COUNT) {
              const res = w.offer(new Uint8Array(0), R.TYPE.END);
              if (res === 0) { if (w.armWait()) continue; return n << 3 | flags | 2; }
              if (res === 2) flags |= 1;
              return n << 3 | flags | 4;
            }
            msg[0] = seq; msg[1] = seq >>> 8; msg[2] = seq >>> 16; msg[3] = seq >>> 24;
            const res = w.offer(msg, 2);
            if (res === 0) { if (w.armWait()) continue; return n << 3 | flags | 2; }
            if (res === 2) flags |= 1;
            seq++;
            if (++n === 65536) return n << 3 | flags;
          }
        }
        """;
    String readerJs = """
        const r = R.reader(ab);
        let seq = 0;
        function step() {
          let n = 0, flags = 0;
          for (;;) {
            const type = r.poll();
            if (type === 0) { if (r.armWait()) continue; flags |= 2; break; }
            if (type === 4) { if (seq !== COUNT) throw new Error('END after ' + seq); flags |= 4; break; }
            const b = r.bytes;
            if (b.length !== 64 || (b[0] | b[1] << 8 | b[2] << 16 | b[3] << 24) !== seq) {
              throw new Error('message ' + seq + ' wrong');
            }
            seq++;
            if (++n === 65536) break;
          }
          if (r.wake) { r.wake = false; flags |= 1; }
          return n << 3 | flags;
        }
        """;
    String constants = constants(0, count, 0);
    // Both runtimes exist before timing starts: the first one in a process is slow.
    try (V8Runtime writerRuntime = runtime(ring.region());
        V8Runtime readerRuntime = runtime(ring.region())) {
      writerRuntime.getExecutor(constants + writerJs).executeVoid();
      readerRuntime.getExecutor(constants + readerJs).executeVoid();
      long started = System.nanoTime();
      Future<Long> written = submit(() -> drive(writerRuntime, ring, false));
      Future<Long> read = submit(() -> drive(readerRuntime, ring, true));
      assertEquals(count, read.get(120, TimeUnit.SECONDS));
      assertEquals(count, written.get(10, TimeUnit.SECONDS));
      double seconds = (System.nanoTime() - started) / 1e9;
      System.out.printf("JS -> JS, two isolates, 64 B: %d messages in %.2f s (%.1f M msg/s)%n",
          count, seconds, count / seconds / 1e6);
    }
  }

  @Test
  void ringJsShouldKeepWorkingAfterUserCodePatchesBuiltIns() throws Exception {
    Ring toJs = newRing(CAPACITY);
    Ring fromJs = newRing(CAPACITY);
    RingWriter javaWriter = toJs.writer();
    RingReader javaReader = fromJs.reader();
    try (V8Runtime runtime = runtime(null)) {
      try (V8ValueArrayBuffer a = runtime.createV8ValueArrayBuffer(toJs.region().byteBuffer());
          V8ValueArrayBuffer b = runtime.createV8ValueArrayBuffer(fromJs.region().byteBuffer())) {
        runtime.getGlobalObject().set("toJs", a);
        runtime.getGlobalObject().set("fromJs", b);
      }
      // Hostile user code runs after ring.js was evaluated and before the ends are created. The
      // test keeps the two constructors it needs under other names; nothing else survives.
      runtime.getExecutor("""
          'use strict';
          globalThis.U8 = Uint8Array;
          globalThis.I32 = Int32Array;
          globalThis.calls = 0;
          const boom = function () { globalThis.calls++; throw new Error('patched built-in called'); };
          const TA = Object.getPrototypeOf(Uint8Array.prototype);
          Uint8Array.prototype.set = boom;
          TA.set = boom;
          TA.subarray = boom;
          TA.slice = boom;
          Object.defineProperty(TA, 'length', { get: boom });
          Object.defineProperty(ArrayBuffer.prototype, 'byteLength', { get: boom });
          Object.defineProperty(Uint8Array.prototype, 'constructor', { get: boom });
          Object.defineProperty(Uint8Array, Symbol.species, { get: boom });
          Object.defineProperty(Object.prototype, 'get', { value: boom, configurable: true });
          Object.defineProperty(Error.prototype, 'code', { set: boom, configurable: true });
          Atomics.load = boom;
          Atomics.store = boom;
          Reflect.apply = boom;
          Function.prototype.apply = boom;
          Function.prototype.call = boom;
          Object.defineProperty = boom;
          Object.freeze = boom;
          globalThis.Uint8Array = boom;
          globalThis.Int32Array = boom;
          globalThis.Error = boom;
          globalThis.RangeError = boom;
          """).executeVoid();
      runtime.getExecutor("""
          const w = R.writer(fromJs);
          const r = R.reader(toJs);
          const scratch = new U8(2040);
          let readSeq = 0, writeSeq = 0;
          // Message k carries k % 2041 bytes, each (k & 255); odd ones are read in place.
          function drain() {
            let type;
            while ((type = (readSeq & 1) ? r.peek() : r.poll()) !== 0) {
              const data = (readSeq & 1) ? r.view : r.bytes;
              const size = readSeq % 2041;
              if (type !== 2) throw new Error('bad type ' + readSeq);
              for (let i = 0; i < size; i++) if (data[i] !== (readSeq & 255)) throw new Error('bad byte ' + readSeq);
              if (readSeq & 1) r.release();
              readSeq++;
            }
            return readSeq;
          }
          function fill() {
            for (;;) {
              const size = writeSeq % 2041;
              const view = new U8(scratch.buffer, 0, size);
              for (let i = 0; i < size; i++) view[i] = writeSeq;
              if (w.offer(view, 2) === 0) return writeSeq;
              writeSeq++;
            }
          }
          """).executeVoid();
      try (V8ValueFunction drain = runtime.getGlobalObject().get("drain");
          V8ValueFunction fill = runtime.getGlobalObject().get("fill")) {
        int javaSeq = 0;
        int javaRead = 0;
        for (int round = 0; round < 3000; round++) {
          while (javaWriter.offer(constant(javaSeq % 2041, javaSeq), TYPE_BYTES)) {
            javaSeq++;
          }
          assertEquals(javaSeq, drain.callInteger(null));
          int jsWrote = fill.callInteger(null);
          Message m;
          while ((m = javaReader.poll()) != null) {
            assertEquals(javaRead % 2041, m.bytes().length);
            for (byte value : m.bytes()) {
              assertEquals((byte) javaRead, value, "message " + javaRead);
            }
            javaRead++;
          }
          assertEquals(jsWrote, javaRead);
        }
        assertTrue(javaSeq > 5_000, "enough traffic to wrap many times: " + javaSeq);
      }
      assertEquals(0, runtime.getExecutor("globalThis.calls").executeInteger());
      // Errors still carry their codes and classes with every constructor patched.
      String errors = runtime.getExecutor("""
          const out = [];
          try { w.offer(new U8(w.maxPayload + 1), 2); } catch (e) { out.push(e.name); }
          new I32(toJs, 4096 + 128, 1)[0] = readSeq * 8 + 12;   // tail no longer a multiple of 8
          try { r.poll(); } catch (e) { out.push(e.code); }
          out.join(',') + ',' + globalThis.calls;
          """).executeString();
      assertEquals("RangeError,channel.corrupt,0", errors);
    }
    assertNull(javaReader.poll());
  }

  @Test
  void ringJsShouldRejectHostileValuesWithCodes() throws Exception {
    Ring ring = newRing(CAPACITY);
    Region region = ring.region();
    int tail = CAPACITY + RingDescriptor.TAIL_OFFSET;
    int head = CAPACITY + RingDescriptor.HEAD_OFFSET;
    try (V8Runtime runtime = runtime(region)) {
      runtime.getExecutor("""
          function attempt(f) {
            try { f(); return 'none'; } catch (e) { return e.code || e.name; }
          }
          function corruptMessage(f) {
            try { f(); return 'none'; } catch (e) { return e.message; }
          }
          """).executeVoid();
      // Descriptor line.
      region.writeVolatileInt(CAPACITY + 4, 2 << 16);
      assertEquals("channel.version", js(runtime, "attempt(() => R.reader(ab))"));
      region.writeVolatileInt(CAPACITY + 4, 1 << 16 | 3);
      assertEquals("none", js(runtime, "attempt(() => R.reader(ab))"));
      region.writeVolatileInt(CAPACITY, 0x12345678);
      assertEquals("channel.corrupt", js(runtime, "attempt(() => R.writer(ab))"));
      region.writeVolatileInt(CAPACITY, RingDescriptor.MAGIC);
      region.writeVolatileInt(CAPACITY + 12, 100);
      assertEquals("channel.corrupt", js(runtime, "attempt(() => R.writer(ab))"));
      region.writeVolatileInt(CAPACITY + 12, MAX);
      assertEquals("channel.corrupt", js(runtime, "attempt(() => R.reader(new ArrayBuffer(8192)))"));
      assertEquals("TypeError", js(runtime, "attempt(() => R.reader({}))"));

      // Records and tail seen by a JS reader; each case on a fresh reader at head 0.
      String[][] cases = {
        {"12", "0", "0", "tail 12"},
        {"8", "0", "0", "record type 0"},
        {"8", "0", "5", "record type 5"},
        {"64", "-1", "2", "record length -1"},
        {"64", "100", "2", "only 64 are published"},
        {"" + CAPACITY, "" + (MAX + 8), "2", "exceeds maxPayload"},
        {"64", "8", "1", "does not fill to the end"},
        {"16", "8", "4", "END record"},
        {"" + (CAPACITY + 8), "0", "2", "tail " + (CAPACITY + 8)},
      };
      for (String[] c : cases) {
        region.writeVolatileInt(0, Integer.parseInt(c[1]));
        region.writeVolatileInt(4, Integer.parseInt(c[2]));
        region.writeVolatileInt(tail, Integer.parseInt(c[0]));
        String message = js(runtime, "corruptMessage(() => R.reader(ab).poll())");
        assertTrue(message.startsWith("channel corrupt: ") && message.contains(c[3]), message);
        assertEquals("channel.corrupt", js(runtime, "attempt(() => R.reader(ab).peek())"));
      }

      // Head seen by a JS writer: fill the ring, then lie about head.
      region.writeVolatileInt(tail, 0);
      region.writeVolatileInt(head, 0);
      runtime.getExecutor("""
          const w = R.writer(ab);
          const big = new Uint8Array(w.maxPayload);
          while (w.offer(big, 2) !== 0) {}
          """).executeVoid();
      region.writeVolatileInt(head, 4);
      assertTrue(js(runtime, "corruptMessage(() => w.armWait())").contains("not a multiple of 8"));
      region.writeVolatileInt(head, 1 << 20);
      assertTrue(js(runtime, "corruptMessage(() => w.offer(big, 2))").contains("beyond tail"));
      region.writeVolatileInt(head, -8);
      assertTrue(js(runtime, "corruptMessage(() => w.offer(big, 2))").contains("backwards"));
      assertEquals("RangeError", js(runtime, "attempt(() => w.offer(new Uint8Array(w.maxPayload + 1), 2))"));
      assertEquals("RangeError", js(runtime, "attempt(() => w.offer(new Uint8Array(1), 1))"));
      assertEquals("RangeError", js(runtime, "attempt(() => w.offer(new Uint8Array(1), 4))"));
    }
  }

  private static String js(V8Runtime runtime, String expression) throws JavetException {
    return runtime.getExecutor(expression).executeString();
  }

  private static byte[] constant(int size, int seq) {
    byte[] bytes = new byte[size];
    Arrays.fill(bytes, (byte) seq);
    return bytes;
  }
}
