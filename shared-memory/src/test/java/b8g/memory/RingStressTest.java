package b8g.memory;

import static b8g.memory.RingDescriptor.TYPE_BYTES;
import static b8g.memory.RingDescriptor.TYPE_TEXT;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Java writer and Java reader on two threads, millions of messages of random sizes (skewed small,
 * some near the maximum so records wrap with padding all the time), in small rings. The reader
 * derives the expected stream from the same seed, so any loss, duplicate, reordering or torn
 * payload fails the test. Blocking calls use long timeouts: a lost wake-up shows as a timeout.
 * Polling loops yield rather than spin: on a busy two-core machine a spinning thread burns the
 * time slice its partner needs.
 */
class RingStressTest {
  private static final Duration PATIENCE = Duration.ofSeconds(30);
  private ExecutorService threads;

  @BeforeEach
  void start() {
    threads = Executors.newFixedThreadPool(2);
  }

  @AfterEach
  void stop() throws InterruptedException {
    threads.shutdownNow();
    assertTrue(threads.awaitTermination(10, TimeUnit.SECONDS));
  }

  @Test
  void shouldDeliverMillionsOfMessagesThroughBlockingCallsInOrder() throws Exception {
    run(4096, 2_000_000, 0x5eed, true);
  }

  @Test
  void shouldDeliverMillionsOfMessagesThroughPollingCallsInOrder() throws Exception {
    run(8192, 5_000_000, 0xbeef, false);
  }

  private void run(int capacity, int count, int seed, boolean blocking) throws Exception {
    try (Region region = Region.anonymous("stress", RingDescriptor.totalLength(capacity))) {
      Ring ring = Ring.create(region);
      RingWriter writer = ring.writer();
      RingReader reader = ring.reader();
      int max = ring.maxPayload();
      long started = System.nanoTime();
      Future<Long> written = threads.submit(() -> write(writer, count, seed, max, blocking));
      Future<Long> read = threads.submit(() -> read(reader, count, seed, max, blocking));
      long bytes = read.get(120, TimeUnit.SECONDS);
      assertEquals(written.get(10, TimeUnit.SECONDS), bytes);
      double seconds = (System.nanoTime() - started) / 1e9;
      // Information only, never asserted (STYLE.md).
      System.out.printf(
          "ring stress capacity %d, %s: %d messages, %d MiB in %.2f s (%.1f M msg/s)%n",
          capacity, blocking ? "blocking" : "polling", count, bytes >> 20, seconds,
          count / seconds / 1e6);
    }
  }

  private static long write(RingWriter writer, int count, int seed, int max, boolean blocking) {
    Payloads sizes = new Payloads(seed, max);
    byte[] scratch = new byte[max];
    ByteBuffer direct = ByteBuffer.allocateDirect(max);
    long bytes = 0;
    for (int seq = 0; seq < count; seq++) {
      int size = sizes.nextSize();
      Payloads.fill(scratch, seq, size);
      int type = (seq & 1) == 0 ? TYPE_BYTES : TYPE_TEXT;
      boolean viaBuffer = seq % 5 == 0;
      if (viaBuffer) {
        direct.clear();
        direct.put(scratch, 0, size).flip();
      }
      if (blocking) {
        boolean ok = viaBuffer
            ? writer.write(direct, type, PATIENCE)
            : writer.write(size == max ? scratch : Arrays.copyOf(scratch, size), type, PATIENCE);
        if (!ok) {
          throw new AssertionError("writer timed out at message " + seq + ": lost wake-up?");
        }
      } else {
        while (!(viaBuffer ? writer.offer(direct, type) : writer.offer(scratch, 0, size, type))) {
          Thread.yield();
        }
      }
      bytes += size;
    }
    assertTrue(writer.close(PATIENCE));
    return bytes;
  }

  private static long read(RingReader reader, int count, int seed, int max, boolean blocking) {
    Payloads sizes = new Payloads(seed, max);
    byte[] scratch = new byte[max];
    int[] seen = new int[2];
    long bytes = 0;
    for (int seq = 0; seq < count; seq++) {
      int size = sizes.nextSize();
      int expectedType = (seq & 1) == 0 ? TYPE_BYTES : TYPE_TEXT;
      String problem;
      if (seq % 3 == 0) {
        // Zero-copy path: the handler checks the bytes in place.
        while (!reader.read((type, store, offset, length) -> {
          seen[0] = type;
          seen[1] = length;
          store.read(offset, scratch, 0, length);
        })) {
          Thread.yield();
        }
        problem = seen[0] != expectedType
            ? "message " + seq + ": type " + seen[0]
            : Payloads.check(scratch, 0, seen[1], seq, size);
      } else {
        Message m;
        if (blocking) {
          m = reader.take(PATIENCE);
          if (m == null) {
            throw new AssertionError("reader timed out at message " + seq + ": lost wake-up?");
          }
        } else {
          while ((m = reader.poll()) == null) {
            Thread.yield();
          }
        }
        problem = m.type() != expectedType
            ? "message " + seq + ": type " + m.type()
            : Payloads.check(m.bytes(), 0, m.bytes().length, seq, size);
      }
      if (problem != null) {
        throw new AssertionError(problem);
      }
      bytes += size;
    }
    Message end = reader.take(PATIENCE);
    assertNotNull(end, "END missing");
    assertTrue(end.isEnd(), "expected END after the last message");
    assertNull(reader.poll());
    return bytes;
  }
}
