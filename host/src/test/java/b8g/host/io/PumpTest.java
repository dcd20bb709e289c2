package b8g.host.io;

import static b8g.memory.RingDescriptor.TYPE_BYTES;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import b8g.errors.B8gException;
import b8g.memory.Message;
import b8g.memory.Region;
import b8g.memory.Ring;
import b8g.memory.RingDescriptor;
import b8g.memory.RingReader;
import b8g.memory.RingWriter;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.Pipe;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Pumps over real OS pipes, with a Java end on the ring's other side standing in for a component. */
class PumpTest {
  private static final Duration LIMIT = Duration.ofSeconds(30);
  private final List<Region> regions = new ArrayList<>();
  private final List<Pump> pumps = new ArrayList<>();

  @AfterEach
  void closeAll() {
    pumps.forEach(Pump::close);
    regions.forEach(Region::close);
  }

  private Ring ring(int capacity) {
    Region region = Region.anonymous("ring", RingDescriptor.totalLength(capacity));
    regions.add(region);
    return Ring.create(region);
  }

  private static byte[] random(int n, long seed) {
    byte[] b = new byte[n];
    new Random(seed).nextBytes(b);
    return b;
  }

  @Test
  void shouldCarryAPipeIntoTheRingAndEndTheStreamAtEndOfInput() throws Exception {
    assertTimeoutPreemptively(LIMIT, () -> {
      Ring ring = ring(4096);
      Pipe pipe = Pipe.open();
      Pump pump = Pump.inbound("in", pipe.source(), ring, Pump.DEFAULT_CHUNK, true);
      pumps.add(pump);
      assertTrue(ring.hasJavaEnd());
      byte[] data = random(300_000, 1);
      CompletableFuture<Void> feeder = CompletableFuture.runAsync(() -> {
        try (var sink = pipe.sink()) {
          ByteBuffer b = ByteBuffer.wrap(data);
          while (b.hasRemaining()) {
            sink.write(b);
          }
        } catch (Exception e) {
          throw new RuntimeException(e);
        }
      });
      RingReader reader = ring.reader();
      ByteArrayOutputStream got = new ByteArrayOutputStream();
      for (;;) {
        Message m = reader.take(LIMIT);
        if (m == null || m.isEnd()) {
          break;
        }
        got.write(m.bytes());
      }
      feeder.join();
      assertArrayEquals(data, got.toByteArray());
      assertTrue(reader.isEnded());
    });
  }

  @Test
  void shouldWriteEveryRecordToAPipeThenStopWhenTheWriterIsGone() throws Exception {
    assertTimeoutPreemptively(LIMIT, () -> {
      Ring ring = ring(4096);
      Pipe pipe = Pipe.open();
      Pump pump = Pump.outbound("out", ring, pipe.sink(), null, true);
      pumps.add(pump);
      byte[] data = random(200_000, 2);
      CompletableFuture<byte[]> drained = CompletableFuture.supplyAsync(() -> {
        try (var source = pipe.source()) {
          ByteArrayOutputStream out = new ByteArrayOutputStream();
          ByteBuffer b = ByteBuffer.allocate(10_000);
          while (source.read(b.clear()) >= 0) {
            out.write(b.array(), 0, b.position());
          }
          return out.toByteArray();
        } catch (Exception e) {
          throw new RuntimeException(e);
        }
      });
      RingWriter writer = ring.writer();
      Random sizes = new Random(3);
      for (int at = 0; at < data.length; ) {
        int n = Math.min(data.length - at, 1 + sizes.nextInt(2000));
        assertTrue(writer.write(ByteBuffer.wrap(data, at, n), TYPE_BYTES, LIMIT));
        at += n;
      }
      ring.markWriterGone(); // the component ended without END: what it wrote still goes out
      assertArrayEquals(data, drained.join());
      assertEquals("writer gone", pump.outcome());
    });
  }

  @Test
  void shouldBreakTheComponentsWriterWhenTheConsumerClosesThePipe() throws Exception {
    assertTimeoutPreemptively(LIMIT, () -> {
      Ring ring = ring(4096);
      Pipe pipe = Pipe.open();
      Pump pump = Pump.outbound("out", ring, pipe.sink(), null, true);
      pumps.add(pump);
      pipe.source().close(); // `head` went away
      RingWriter writer = ring.writer();
      B8gException e = assertThrows(B8gException.class, () -> {
        for (;;) {
          writer.write(new byte[1000], TYPE_BYTES, LIMIT);
        }
      });
      assertEquals("channel.broken", e.code());
      assertTrue(pump.outcome().startsWith("sink closed"), pump.outcome());
    });
  }

  @Test
  void shouldStopReadingWhenTheComponentsReaderIsGone() throws Exception {
    assertTimeoutPreemptively(LIMIT, () -> {
      Ring ring = ring(4096);
      Pipe pipe = Pipe.open();
      Pump pump = Pump.inbound("in", pipe.source(), ring, 1000, true);
      pumps.add(pump);
      ring.markReaderGone();
      try {
        pipe.sink().write(ByteBuffer.wrap(new byte[10]));
      } catch (java.io.IOException e) {
        // The pump saw the reader gone first and closed its source already: EPIPE.
      }
      while (pump.isAlive()) {
        Thread.sleep(5);
      }
      assertEquals("reader gone", pump.outcome());
      pipe.sink().close();
    });
  }

  @Test
  void shouldStopAPumpBlockedInARead() throws Exception {
    assertTimeoutPreemptively(LIMIT, () -> {
      Ring ring = ring(4096);
      Pipe pipe = Pipe.open();
      Pump pump = Pump.inbound("in", pipe.source(), ring, 1000, true);
      Thread.sleep(50);
      pump.stop();
      assertTrue(!pump.isAlive());
      assertTrue(ring.writerGone());
      pipe.sink().close();
    });
  }
}
