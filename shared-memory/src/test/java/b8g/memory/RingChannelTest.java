package b8g.memory;

import static b8g.memory.RingDescriptor.TYPE_BYTES;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.ReadableByteChannel;
import java.nio.channels.WritableByteChannel;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** {@link RingWriter#offerFrom} and {@link RingReader#writeTo}: descriptors straight to and from a ring. */
class RingChannelTest {
  private static final int CAPACITY = 4096;
  private final List<Region> regions = new ArrayList<>();

  @AfterEach
  void closeAll() {
    regions.forEach(Region::close);
  }

  private Ring ring(int capacity) {
    Region region = Region.anonymous("ring", RingDescriptor.totalLength(capacity));
    regions.add(region);
    return Ring.create(region);
  }

  private static byte[] random(int length, long seed) {
    byte[] b = new byte[length];
    new Random(seed).nextBytes(b);
    return b;
  }

  @Test
  void shouldReadFromAChannelIntoOneRecordAndSeeTheEnd() throws IOException {
    Ring ring = ring(CAPACITY);
    RingWriter w = ring.writer();
    RingReader r = ring.reader();
    byte[] data = random(300, 1);
    ReadableByteChannel source = Channels.newChannel(new ByteArrayInputStream(data));
    assertEquals(300, w.offerFrom(source, 1000));
    assertEquals(-1, w.offerFrom(source, 1000));
    Message m = r.poll();
    assertEquals(TYPE_BYTES, m.type());
    assertArrayEquals(data, m.bytes());
    assertNull(r.poll());
  }

  @Test
  void shouldReturnZeroWhenFullAndNeverMakeRecordsSmallerThanAnEighth() throws IOException {
    Ring ring = ring(CAPACITY);
    RingWriter w = ring.writer();
    RingReader r = ring.reader();
    ReadableByteChannel zeros = Channels.newChannel(new ByteArrayInputStream(new byte[1 << 20]));
    int total = 0;
    int n;
    while ((n = w.offerFrom(zeros, 1 << 20)) > 0) {
      assertTrue(n >= CAPACITY / 8, "record of " + n);
      assertTrue(n <= ring.maxPayload(), "record of " + n);
      total += n;
    }
    assertEquals(0, n);
    assertTrue(total > CAPACITY - CAPACITY / 8 - 16, "filled only " + total);
    assertFalse(w.armWait());
    assertTrue(r.poll() != null);
    assertTrue(w.armWait(), "room was made");
  }

  @Test
  void shouldRefuseToReadForAReaderThatIsGone() {
    Ring ring = ring(CAPACITY);
    RingWriter w = ring.writer();
    ring.markReaderGone();
    ReadableByteChannel source = Channels.newChannel(new ByteArrayInputStream(new byte[10]));
    RingTest.assertCode("channel.broken", () -> w.offerFrom(source, 100));
  }

  @Test
  void shouldWriteARecordInPlaceAcrossPartialWritesAndConsumeItOnlyWhenWhole() throws IOException {
    Ring ring = ring(CAPACITY);
    RingWriter w = ring.writer();
    RingReader r = ring.reader();
    byte[] data = random(1000, 2);
    assertTrue(w.offer(data, TYPE_BYTES));
    w.close();
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    // A sink that takes at most 64 bytes a call and nothing every third call.
    WritableByteChannel stingy = new WritableByteChannel() {
      int calls;

      @Override
      public int write(ByteBuffer src) {
        if (++calls % 3 == 0) {
          return 0;
        }
        int n = Math.min(64, src.remaining());
        for (int i = 0; i < n; i++) {
          out.write(src.get());
        }
        return n;
      }

      @Override
      public boolean isOpen() {
        return true;
      }

      @Override
      public void close() {}
    };
    int sum = 0;
    int n;
    while ((n = r.writeTo(stingy)) >= 0) {
      sum += n;
      assertTrue(ring.used() > 0 || sum == 1000, "consumed before whole");
    }
    assertEquals(1000, sum);
    assertTrue(r.isEnded());
    assertArrayEquals(data, out.toByteArray());
  }

  @Test
  void shouldReportTheBrokenWriterAfterEverythingItWrote() throws IOException {
    Ring ring = ring(CAPACITY);
    RingWriter w = ring.writer();
    RingReader r = ring.reader();
    assertTrue(w.offer(new byte[] {1, 2, 3}, TYPE_BYTES));
    ring.markWriterGone();
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    WritableByteChannel sink = Channels.newChannel(out);
    assertEquals(3, r.writeTo(sink));
    RingTest.assertCode("channel.broken", () -> r.writeTo(sink));
  }

  /** Many random chunk sizes through a small ring, each side parking through armWait. */
  @Test
  void shouldMoveAStreamThroughASmallRingWithoutLosingOrReorderingABytes() {
    assertTimeoutPreemptively(Duration.ofSeconds(60), () -> {
      for (int round = 0; round < 20; round++) {
        Ring ring = ring(CAPACITY);
        RingWriter w = ring.writer();
        RingReader r = ring.reader();
        Random sizes = new Random(round);
        byte[] data = random(200_000 + sizes.nextInt(100_000), round);
        ReadableByteChannel source = new ReadableByteChannel() {
          int at;

          @Override
          public int read(ByteBuffer dst) {
            if (at == data.length) {
              return -1;
            }
            int n = Math.min(dst.remaining(), Math.min(data.length - at, 1 + sizes.nextInt(5000)));
            dst.put(data, at, n);
            at += n;
            return n;
          }

          @Override
          public boolean isOpen() {
            return true;
          }

          @Override
          public void close() {}
        };
        CompletableFuture<Void> producer = CompletableFuture.runAsync(() -> {
          try {
            Thread me = Thread.currentThread();
            ring.onWritable(() -> LockSupport.unpark(me));
            for (;;) {
              int n = w.offerFrom(source, 1 + new Random().nextInt(3000));
              if (n < 0) {
                break;
              }
              if (n == 0 && !w.armWait()) {
                LockSupport.parkNanos(1_000_000);
              }
            }
            w.close();
          } catch (IOException e) {
            throw new RuntimeException(e);
          }
        });
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        WritableByteChannel sink = Channels.newChannel(out);
        Thread me = Thread.currentThread();
        ring.onReadable(() -> LockSupport.unpark(me));
        while (!r.isEnded()) {
          if (r.writeTo(sink) < 0 && !r.isEnded() && !r.armWait()) {
            LockSupport.parkNanos(1_000_000);
          }
        }
        producer.join();
        assertArrayEquals(data, out.toByteArray(), "round " + round);
      }
    });
  }
}
