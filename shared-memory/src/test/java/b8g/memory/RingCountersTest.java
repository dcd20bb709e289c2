package b8g.memory;

import static b8g.memory.RingDescriptor.TYPE_BYTES;
import static b8g.memory.RingDescriptor.TYPE_TEXT;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.caoccao.javet.interop.V8Runtime;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The per-end message counters (ring format 1.2): under load, with both ends Java or both JS, a
 * third thread sampling them lock-free sees each count never go backwards and never more messages
 * read than written; at the end both equal the messages sent (END and padding are not counted).
 * An end that attaches continues the count; a count no end could have written reads as 0.
 */
class RingCountersTest {
  private static final Duration PATIENCE = Duration.ofSeconds(30);
  private ExecutorService threads;
  private final List<Region> regions = new ArrayList<>();

  @BeforeEach
  void start() {
    threads = Executors.newFixedThreadPool(3);
  }

  @AfterEach
  void stop() throws InterruptedException {
    threads.shutdownNow();
    assertTrue(threads.awaitTermination(30, TimeUnit.SECONDS));
    regions.forEach(Region::close);
  }

  private Ring newRing(int capacity) {
    Region region = Region.anonymous("counters", RingDescriptor.totalLength(capacity));
    regions.add(region);
    return Ring.create(region);
  }

  /**
   * Samples the ring's counts until {@code done}: read is loaded before written, so read <= written
   * must hold (the reader counts only what was published, after the writer counted it), and
   * neither count may decrease. Returns the number of samples.
   */
  private Future<Long> observe(Ring ring, AtomicBoolean done) {
    return threads.submit(() -> {
      long samples = 0;
      long lastRead = 0;
      long lastWritten = 0;
      while (!done.get()) {
        long read = ring.messagesRead();
        long written = ring.messagesWritten();
        if (read < lastRead || written < lastWritten) {
          throw new AssertionError("a count went backwards: read " + lastRead + " -> " + read + ", written "
              + lastWritten + " -> " + written);
        }
        if (read > written) {
          throw new AssertionError("read " + read + " > written " + written);
        }
        lastRead = read;
        lastWritten = written;
        samples++;
        Thread.yield();
      }
      return samples;
    });
  }

  @Test
  void javaEndsCountEveryMessageUnderLoad() throws Exception {
    int count = 1_000_000;
    Ring ring = newRing(8192);
    RingWriter writer = ring.writer();
    RingReader reader = ring.reader();
    int max = ring.maxPayload();
    AtomicBoolean done = new AtomicBoolean();
    Future<Long> samples = observe(ring, done);
    Future<?> w = threads.submit(() -> {
      Payloads sizes = new Payloads(0xc0de, max);
      byte[] buf = new byte[max];
      for (int seq = 0; seq < count; seq++) {
        if (!writer.write(ByteBuffer.wrap(buf, 0, sizes.nextSize()), (seq & 1) == 0 ? TYPE_BYTES : TYPE_TEXT, PATIENCE)) {
          throw new AssertionError("writer timed out at " + seq);
        }
      }
      assertTrue(writer.close(PATIENCE));
      return null;
    });
    long got = 0;
    for (;;) {
      Message m = reader.take(PATIENCE);
      assertNotNull(m, "reader timed out after " + got);
      if (m.isEnd()) {
        break;
      }
      got++;
    }
    w.get(60, TimeUnit.SECONDS);
    done.set(true);
    assertTrue(samples.get(60, TimeUnit.SECONDS) > 0);
    assertEquals(count, got);
    assertEquals(count, writer.messagesWritten(), "writer's own count (END not counted)");
    assertEquals(count, reader.messagesRead(), "reader's own count (END not counted)");
    assertEquals(count, ring.messagesWritten(), "the producer line's count");
    assertEquals(count, ring.messagesRead(), "the consumer line's count");
  }

  @Test
  void jsEndsCountEveryMessageUnderLoad() throws Exception {
    int count = 2_000_000;
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
            const res = w.offer(msg, (seq & 1) === 0 ? 2 : 3);
            if (res === 0) { if (w.armWait()) continue; return n << 3 | flags | 2; }
            if (res === 2) flags |= 1;
            seq++;
            if (++n === 65536) return n << 3 | flags;
          }
        }
        function written() { return w.written; }
        """;
    String readerJs = """
        const r = R.reader(ab);
        let seq = 0, peek = false;
        function step() {
          let n = 0, flags = 0;
          for (;;) {
            peek = !peek;
            const type = peek ? r.peek() : r.poll();
            if (type === 0) { if (r.armWait()) continue; flags |= 2; break; }
            if (peek) r.release();
            if (type === 4) { if (seq !== COUNT) throw new Error('END after ' + seq); flags |= 4; break; }
            seq++;
            if (++n === 65536) break;
          }
          if (r.wake) { r.wake = false; flags |= 1; }
          return n << 3 | flags;
        }
        function read() { return r.read; }
        """;
    String constants = JsRingTest.constants(0, count, 0);
    AtomicBoolean done = new AtomicBoolean();
    try (V8Runtime writerRuntime = JsRingTest.runtime(ring.region());
        V8Runtime readerRuntime = JsRingTest.runtime(ring.region())) {
      writerRuntime.getExecutor(constants + writerJs).executeVoid();
      readerRuntime.getExecutor(constants + readerJs).executeVoid();
      Future<Long> samples = observe(ring, done);
      Future<Long> written = threads.submit(() -> JsRingTest.drive(writerRuntime, ring, false));
      Future<Long> read = threads.submit(() -> JsRingTest.drive(readerRuntime, ring, true));
      assertEquals(count, read.get(120, TimeUnit.SECONDS));
      written.get(10, TimeUnit.SECONDS);
      done.set(true);
      assertTrue(samples.get(60, TimeUnit.SECONDS) > 0);
      assertEquals(count, ring.messagesWritten(), "the producer line's count");
      assertEquals(count, ring.messagesRead(), "the consumer line's count");
      assertEquals(count, writerRuntime.getGlobalObject().invokeInteger("written"));
      assertEquals(count, readerRuntime.getGlobalObject().invokeInteger("read"));
    }
  }

  @Test
  void anEndThatAttachesContinuesTheCount() throws Exception {
    Ring ring = newRing(4096);
    RingWriter writer = ring.writer();
    RingReader reader = ring.reader();
    for (int i = 0; i < 5; i++) {
      assertTrue(writer.offer(new byte[] {(byte) i}, TYPE_BYTES));
    }
    for (int i = 0; i < 3; i++) {
      assertNotNull(reader.poll());
    }
    // A JS pair attached to the same memory (a restarted component) takes the counts up.
    try (V8Runtime runtime = JsRingTest.runtime(ring.region())) {
      String js = """
          const w = R.writer(ab), r = R.reader(ab);
          const before = [w.written, r.read];
          w.offer(new Uint8Array(1), 2); r.poll(); r.poll(); r.poll();
          JSON.stringify([before, w.written, r.read]);
          """;
      assertEquals("[[5,3],6,6]", runtime.getExecutor(js).executeString());
    }
    assertEquals(6, ring.messagesWritten());
    assertEquals(6, ring.messagesRead());
  }

  @Test
  void aCountNoEndCouldHaveWrittenReadsAsZero() throws Exception {
    Ring ring = newRing(4096);
    ByteBuffer trailer = ring.region().byteBuffer().order(ByteOrder.LITTLE_ENDIAN);
    int at = 4096 + RingDescriptor.MESSAGES_WRITTEN_OFFSET;
    for (double bad : new double[] {Double.NaN, -1, 1.5, Double.POSITIVE_INFINITY, 0x1p60}) {
      trailer.putDouble(at, bad);
      assertEquals(0, ring.messagesWritten(), "stored " + bad);
      try (V8Runtime runtime = JsRingTest.runtime(ring.region())) {
        assertEquals(0, runtime.getExecutor("R.writer(ab).written").executeInteger(), "JS end attached to " + bad);
      }
    }
    trailer.putDouble(at, 42);
    assertEquals(42, ring.messagesWritten());
  }
}
