package b8g.memory;

import static b8g.memory.RingDescriptor.TYPE_BYTES;
import static b8g.memory.RingDescriptor.TYPE_END;
import static b8g.memory.RingDescriptor.TYPE_TEXT;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import b8g.errors.B8gException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

class RingTest {
  private static final int CAPACITY = 4096;
  private static final Duration LIMIT = Duration.ofSeconds(10);
  private final List<Region> regions = new ArrayList<>();

  @AfterEach
  void closeAll() {
    regions.forEach(Region::close);
  }

  private Region region(int capacity) {
    Region region = Region.anonymous("ring", RingDescriptor.totalLength(capacity));
    regions.add(region);
    return region;
  }

  static B8gException assertCode(String code, Executable action) {
    B8gException e = assertThrows(B8gException.class, action);
    assertEquals(code, e.code(), e.getMessage());
    return e;
  }

  @Test
  void shouldWriteTheDescriptorLineAndAttachToIt() {
    Region region = region(CAPACITY);
    Ring created = Ring.create(region);
    assertEquals(CAPACITY, created.capacity());
    assertEquals(CAPACITY / 2 - 8, created.maxPayload());
    ByteBuffer view = region.byteBuffer();
    assertEquals(0x52473842, view.getInt(CAPACITY));
    assertEquals('B', view.get(CAPACITY));
    assertEquals('R', view.get(CAPACITY + 3));
    assertEquals(1 << 16 | 2, view.getInt(CAPACITY + 4), "version 1.2");
    assertEquals(0, view.getInt(CAPACITY + 16), "writer state: open");
    assertEquals(0, view.getInt(CAPACITY + 20), "reader state: open");
    assertEquals(CAPACITY, view.getInt(CAPACITY + 8));
    assertEquals(CAPACITY / 2 - 8, view.getInt(CAPACITY + 12));
    assertEquals(CAPACITY, Ring.attach(region).capacity());
  }

  @Test
  void shouldRejectRegionsThatCannotHoldARing() {
    Region notPowerOfTwo = Region.anonymous("odd", 6000 + 512);
    regions.add(notPowerOfTwo);
    assertCode("channel.capacity", () -> Ring.create(notPowerOfTwo));
    Region tooSmall = Region.anonymous("small", 2048 + 512);
    regions.add(tooSmall);
    assertCode("channel.capacity", () -> Ring.create(tooSmall));
    Region noTrailer = Region.anonymous("bare", 8192);
    regions.add(noTrailer);
    assertCode("channel.capacity", () -> Ring.attach(noTrailer));
  }

  @Test
  void shouldRejectWrongMagicAndOtherMajorVersionButAcceptNewerMinor() {
    Region region = region(CAPACITY);
    assertCode("channel.corrupt", () -> Ring.attach(region)); // never initialised: magic 0
    Ring.create(region);
    region.writeVolatileInt(CAPACITY + 4, 2 << 16);
    B8gException e = assertCode("channel.version", () -> Ring.attach(region));
    assertTrue(e.getMessage().contains("2.0"), e.getMessage());
    region.writeVolatileInt(CAPACITY + 4, 1 << 16 | 5);
    Ring.attach(region);
    region.writeVolatileInt(CAPACITY + 8, CAPACITY * 2);
    assertCode("channel.corrupt", () -> Ring.attach(region));
    region.writeVolatileInt(CAPACITY + 8, CAPACITY);
    region.writeVolatileInt(CAPACITY + 12, CAPACITY);
    assertCode("channel.corrupt", () -> Ring.attach(region));
    region.writeVolatileInt(CAPACITY + 12, CAPACITY / 2 - 8);
    region.writeVolatileInt(CAPACITY, 0x52473843);
    e = assertCode("channel.corrupt", () -> Ring.attach(region));
    assertTrue(e.getMessage().contains("magic"), e.getMessage());
  }

  @Test
  void shouldDeliverMessagesOfEveryKindInOrder() {
    Ring ring = Ring.create(region(CAPACITY));
    RingWriter writer = ring.writer();
    RingReader reader = ring.reader();
    assertNull(reader.poll());
    assertTrue(writer.offer("héllo".getBytes(StandardCharsets.UTF_8), TYPE_TEXT));
    assertTrue(writer.offer(new byte[0], TYPE_BYTES));
    assertTrue(writer.offer(new byte[] {9, 8, 7, 6, 5}, 1, 3, TYPE_BYTES));
    ByteBuffer heap = ByteBuffer.wrap(new byte[] {1, 2, 3, 4});
    heap.position(1);
    assertTrue(writer.offer(heap, TYPE_BYTES));
    assertEquals(1, heap.position());
    ByteBuffer direct = ByteBuffer.allocateDirect(3).put(new byte[] {10, 11, 12}).flip();
    assertTrue(writer.offer(direct, TYPE_BYTES));

    Message text = reader.poll();
    assertEquals(TYPE_TEXT, text.type());
    assertEquals("héllo", text.text());
    assertArrayEquals(new byte[0], reader.poll().bytes());
    assertArrayEquals(new byte[] {8, 7, 6}, reader.poll().bytes());
    assertArrayEquals(new byte[] {2, 3, 4}, reader.poll().bytes());
    assertArrayEquals(new byte[] {10, 11, 12}, reader.poll().bytes());
    assertNull(reader.poll());
  }

  @Test
  void shouldHandRecordsInPlaceToAHandler() {
    Ring ring = Ring.create(region(CAPACITY));
    RingWriter writer = ring.writer();
    RingReader reader = ring.reader();
    writer.offer(new byte[] {1, 2, 3}, TYPE_BYTES);
    byte[] seen = new byte[3];
    AtomicInteger type = new AtomicInteger();
    assertTrue(reader.read((t, bytes, offset, length) -> {
      type.set(t);
      bytes.read(offset, seen, 0, length);
    }));
    assertEquals(TYPE_BYTES, type.get());
    assertArrayEquals(new byte[] {1, 2, 3}, seen);
    assertFalse(reader.read((t, bytes, offset, length) -> type.set(-1)));
    assertEquals(TYPE_BYTES, type.get());

    writer.offer(new byte[] {4}, TYPE_BYTES);
    assertThrows(IllegalStateException.class, () -> reader.read((t, b, o, l) -> {
      throw new IllegalStateException("handler failed");
    }));
    assertArrayEquals(new byte[] {4}, reader.poll().bytes(), "a failed handler leaves the record");
  }

  @Test
  void shouldAcceptMaxPayloadAndRejectOneMoreByte() {
    Ring ring = Ring.create(region(CAPACITY));
    RingWriter writer = ring.writer();
    RingReader reader = ring.reader();
    int max = writer.maxPayload();
    assertEquals(CAPACITY / 2 - 8, max);
    B8gException e = assertCode("channel.too_large", () -> writer.offer(new byte[max + 1], TYPE_BYTES));
    assertTrue(e.getMessage().contains(String.valueOf(max)), e.getMessage());
    assertCode("channel.too_large", () -> writer.write(new byte[max + 1], TYPE_BYTES, LIMIT));
    for (int round = 0; round < 10; round++) {
      byte[] big = new byte[max];
      big[0] = (byte) round;
      big[max - 1] = (byte) -round;
      assertTrue(writer.offer(big, TYPE_BYTES));
      Message m = reader.poll();
      assertEquals(max, m.bytes().length);
      assertEquals((byte) round, m.bytes()[0]);
      assertEquals((byte) -round, m.bytes()[max - 1]);
    }
  }

  @Test
  void shouldRejectTypesOtherThanBytesAndText() {
    RingWriter writer = Ring.create(region(CAPACITY)).writer();
    for (int type : new int[] {0, 1, TYPE_END, 5, -1}) {
      assertCode("channel.type", () -> writer.offer(new byte[1], type));
    }
  }

  @Test
  void shouldReportFullAndAcceptAgainAfterTheReaderConsumes() {
    Ring ring = Ring.create(region(CAPACITY));
    RingWriter writer = ring.writer();
    RingReader reader = ring.reader();
    int written = 0;
    while (writer.offer(new byte[100], TYPE_BYTES)) {
      written++;
    }
    assertEquals(CAPACITY / 112, written);
    assertFalse(writer.armWait(), "still full after arming");
    AtomicInteger wakes = new AtomicInteger();
    ring.onWritable(wakes::incrementAndGet);
    assertNotNull(reader.poll());
    assertEquals(1, wakes.get(), "consuming signals a waiting writer");
    assertNotNull(reader.poll());
    assertEquals(1, wakes.get(), "the flag was cleared: no second signal");
    assertTrue(writer.offer(new byte[100], TYPE_BYTES));
  }

  @Test
  void shouldSignalTheReaderOnlyWhenItIsWaiting() {
    Ring ring = Ring.create(region(CAPACITY));
    RingWriter writer = ring.writer();
    RingReader reader = ring.reader();
    AtomicInteger wakes = new AtomicInteger();
    ring.onReadable(wakes::incrementAndGet);
    writer.offer(new byte[1], TYPE_BYTES);
    assertEquals(0, wakes.get());
    assertNotNull(reader.poll());
    assertFalse(reader.armWait());
    writer.offer(new byte[1], TYPE_BYTES);
    assertEquals(1, wakes.get());
    writer.offer(new byte[1], TYPE_BYTES);
    assertEquals(1, wakes.get());
    assertTrue(reader.armWait(), "data is there: no need to wait");
    writer.offer(new byte[1], TYPE_BYTES);
    assertEquals(1, wakes.get(), "armWait that found data cleared its flag");
  }

  @Test
  void shouldWrapWithPaddingForEveryRecordSize() {
    Ring ring = Ring.create(region(CAPACITY));
    RingWriter writer = ring.writer();
    RingReader reader = ring.reader();
    int seq = 0;
    for (int round = 0; round < 3; round++) {
      for (int size = 0; size <= writer.maxPayload(); size += 1 + size / 7) {
        byte[] payload = new byte[size];
        Payloads.fill(payload, seq, size);
        assertTrue(writer.offer(payload, TYPE_BYTES));
        Message m = reader.poll();
        assertNull(Payloads.check(m.bytes(), 0, m.bytes().length, seq, size));
        seq++;
      }
    }
    assertNull(reader.poll());
  }

  @Test
  void shouldEndTheStreamWithEndOnClose() {
    Ring ring = Ring.create(region(CAPACITY));
    RingWriter writer = ring.writer();
    RingReader reader = ring.reader();
    writer.offer(new byte[] {1}, TYPE_BYTES);
    writer.close();
    writer.close();
    assertCode("channel.closed", () -> writer.offer(new byte[1], TYPE_BYTES));
    assertArrayEquals(new byte[] {1}, reader.poll().bytes());
    assertFalse(reader.isEnded());
    Message end = reader.poll();
    assertTrue(end.isEnd());
    assertEquals(0, end.bytes().length);
    assertTrue(reader.isEnded());
    assertNull(reader.poll());
    assertNull(assertTimeoutPreemptively(LIMIT, () -> reader.take(Duration.ofDays(1))));
  }

  @Test
  void shouldWaitForRoomToWriteEndAndGiveUpAtTheTimeout() throws Exception {
    Ring ring = Ring.create(region(CAPACITY));
    RingWriter writer = ring.writer();
    RingReader reader = ring.reader();
    fillCompletely(writer);
    assertFalse(writer.close(Duration.ofMillis(20)));
    assertCode("channel.closed", () -> writer.offer(new byte[1], TYPE_BYTES));

    Ring second = Ring.create(region(CAPACITY));
    RingWriter full = second.writer();
    RingReader drain = second.reader();
    int written = fillCompletely(full);
    CompletableFuture<Boolean> closing = CompletableFuture.supplyAsync(() -> full.close(LIMIT));
    int messages = 0;
    Message m;
    while ((m = drain.take(LIMIT)) != null && !m.isEnd()) {
      messages++;
    }
    assertTrue(closing.get(10, TimeUnit.SECONDS));
    assertTrue(drain.isEnded());
    assertEquals(written, messages);
    assertNotNull(reader.poll());
  }

  /** Fills the ring to the last byte (so not even an empty END fits); returns the count. */
  private static int fillCompletely(RingWriter writer) {
    int written = 0;
    while (writer.offer(new byte[200], TYPE_BYTES)) {
      written++;
    }
    while (writer.offer(new byte[0], TYPE_BYTES)) {
      written++;
    }
    return written;
  }

  @Test
  void shouldReturnNullWhenTakeTimesOut() {
    RingReader reader = Ring.create(region(CAPACITY)).reader();
    assertNull(assertTimeoutPreemptively(LIMIT, () -> reader.take(Duration.ofMillis(10))));
  }

  @Test
  void shouldWakeABlockedReaderAndWriter() throws Exception {
    Ring ring = Ring.create(region(CAPACITY));
    RingWriter writer = ring.writer();
    RingReader reader = ring.reader();
    CompletableFuture<Message> taking = CompletableFuture.supplyAsync(() -> reader.take(LIMIT));
    Thread.sleep(20); // most likely parked by now; correct either way
    assertTrue(writer.write(new byte[] {5}, TYPE_BYTES, LIMIT));
    assertArrayEquals(new byte[] {5}, taking.get(10, TimeUnit.SECONDS).bytes());

    while (writer.offer(new byte[1000], TYPE_BYTES)) {
      // fill
    }
    CompletableFuture<Boolean> writing =
        CompletableFuture.supplyAsync(() -> writer.write(new byte[1000], TYPE_BYTES, LIMIT));
    Thread.sleep(20);
    assertEquals(1000, reader.poll().bytes().length);
    assertTrue(writing.get(10, TimeUnit.SECONDS));
  }

  @Test
  void shouldHandOutOneWriterAndOneReader() {
    Ring ring = Ring.create(region(CAPACITY));
    ring.writer();
    ring.reader();
    assertCode("channel.busy", ring::writer);
    assertCode("channel.busy", ring::reader);
  }

  @Test
  void shouldCarryARingAcrossTwoMappingsOfOneShmFile() throws Exception {
    Path file = Path.of("/dev/shm", "b8g-ring-test-" + UUID.randomUUID());
    try (Region a = Region.shmFile("a", file, RingDescriptor.totalLength(CAPACITY), false);
        Region b = Region.shmFile("b", file, RingDescriptor.totalLength(CAPACITY), true)) {
      RingWriter writer = Ring.create(a).writer();
      RingReader reader = Ring.attach(b).reader();
      for (int i = 0; i < 1000; i++) {
        byte[] payload = new byte[i % 300];
        Payloads.fill(payload, i, payload.length);
        assertTrue(writer.offer(payload, TYPE_BYTES));
        Message m = reader.poll();
        assertNull(Payloads.check(m.bytes(), 0, m.bytes().length, i, payload.length));
      }
    } finally {
      Files.deleteIfExists(file);
    }
  }

  @Test
  void shouldReadEveryCommittedMessageBeforeAGoneWriterShowsAsBroken() throws Exception {
    Ring ring = Ring.create(region(CAPACITY));
    RingWriter w = ring.writer();
    RingReader r = ring.reader();
    for (int i = 0; i < 100; i++) {
      assertTrue(w.offer(new byte[] {(byte) i}, TYPE_BYTES));
    }
    ring.markWriterGone();
    for (int i = 0; i < 100; i++) {
      assertEquals(i, r.take(Duration.ofSeconds(5)).bytes()[0]);
    }
    B8gException e = assertThrows(B8gException.class, () -> r.take(Duration.ofSeconds(5)));
    assertEquals("channel.broken", e.code());
    assertThrows(B8gException.class, r::poll, "it stays broken");
  }

  @Test
  void shouldWakeAParkedReaderWhenItsWriterGoes() throws Exception {
    Ring ring = Ring.create(region(CAPACITY));
    RingReader r = ring.reader();
    CompletableFuture<String> code = CompletableFuture.supplyAsync(() -> {
      try {
        return "took " + r.take(Duration.ofSeconds(60));
      } catch (B8gException e) {
        return e.code();
      }
    });
    Thread.sleep(50); // let it park (it would wait 60 s)
    ring.markWriterGone();
    assertEquals("channel.broken", code.get(10, TimeUnit.SECONDS));
  }

  @Test
  void shouldRefuseAndWakeAWriterWhoseReaderIsGone() throws Exception {
    Ring ring = Ring.create(region(CAPACITY));
    RingWriter w = ring.writer();
    while (w.offer(new byte[1000], TYPE_BYTES)) {
      // fill the ring
    }
    CompletableFuture<String> code = CompletableFuture.supplyAsync(() -> {
      try {
        return "wrote " + w.write(new byte[1000], TYPE_BYTES, Duration.ofSeconds(60));
      } catch (B8gException e) {
        return e.code();
      }
    });
    Thread.sleep(50);
    ring.markReaderGone();
    assertEquals("channel.broken", code.get(10, TimeUnit.SECONDS));
    ring.reopen(false, true);
    assertFalse(ring.readerGone(), "a new holder takes the end up again");
    assertFalse(w.offer(new byte[1000], TYPE_BYTES), "open again: the ring is full, not broken");
  }
}
