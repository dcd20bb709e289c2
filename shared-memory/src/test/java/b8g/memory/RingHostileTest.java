package b8g.memory;

import static b8g.memory.RingDescriptor.TYPE_BYTES;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import b8g.errors.B8gException;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

/**
 * A partner that writes impossible values into the trailer or the records: each end must report
 * {@code channel.corrupt} naming the value, never loop, hang or read out of range.
 */
class RingHostileTest {
  private static final int CAPACITY = 4096;
  private static final long TAIL = CAPACITY + RingDescriptor.TAIL_OFFSET;
  private static final long HEAD = CAPACITY + RingDescriptor.HEAD_OFFSET;
  private Region region;
  private Ring ring;

  @BeforeEach
  void open() {
    region = Region.anonymous("hostile", RingDescriptor.totalLength(CAPACITY));
    ring = Ring.create(region);
  }

  @AfterEach
  void close() {
    region.close();
  }

  private static void assertCorrupt(String mentions, Executable action) {
    B8gException e = assertTimeoutPreemptively(Duration.ofSeconds(5), () -> {
      try {
        action.execute();
      } catch (B8gException caught) {
        return caught;
      }
      throw new AssertionError("no error for a hostile value");
    });
    assertTrue(e.code().equals("channel.corrupt"), e.code() + ": " + e.getMessage());
    assertTrue(e.getMessage().contains(mentions), e.getMessage());
  }

  /** A record written the way a hostile writer might: header only, then tail published. */
  private void forge(int index, int length, int type, int tail) {
    region.writeOrderedInt(index, length);
    region.writeOrderedInt(index + 4, type);
    region.writeVolatileInt(TAIL, tail);
  }

  @Test
  void readerShouldRejectATailThatIsNotAMultipleOf8() {
    RingReader reader = ring.reader();
    region.writeVolatileInt(TAIL, 12);
    assertCorrupt("tail 12", reader::poll);
  }

  @Test
  void readerShouldRejectATailMoreThanCapacityAhead() {
    RingReader reader = ring.reader();
    region.writeVolatileInt(TAIL, CAPACITY + 8);
    assertCorrupt("tail " + (CAPACITY + 8), reader::poll);
  }

  @Test
  void readerShouldRejectATailBehindItsHead() {
    RingWriter writer = ring.writer();
    RingReader reader = ring.reader();
    writer.offer(new byte[8], TYPE_BYTES);
    assertNotNull(reader.poll());
    region.writeVolatileInt(TAIL, -8);
    assertCorrupt("tail 4294967288", reader::poll);
  }

  @Test
  void readerShouldRejectTypesZeroAndAboveEnd() {
    RingReader reader = ring.reader();
    forge(0, 0, 0, 8);
    assertCorrupt("record type 0", reader::poll);
    forge(0, 0, 5, 8);
    assertCorrupt("record type 5", reader::poll);
  }

  @Test
  void readerShouldRejectNegativeAndHugeLengths() {
    RingReader reader = ring.reader();
    forge(0, -1, TYPE_BYTES, 64);
    assertCorrupt("record length -1", reader::poll);
    forge(0, Integer.MAX_VALUE, TYPE_BYTES, 64);
    assertCorrupt("record length " + Integer.MAX_VALUE, reader::poll);
  }

  @Test
  void readerShouldRejectARecordLongerThanWhatIsPublished() {
    RingReader reader = ring.reader();
    forge(0, 100, TYPE_BYTES, 64);
    assertCorrupt("only 64 are published", reader::poll);
  }

  @Test
  void readerShouldRejectALengthAboveMaxPayload() {
    RingReader reader = ring.reader();
    forge(0, CAPACITY / 2, TYPE_BYTES, CAPACITY);
    assertCorrupt("exceeds maxPayload", reader::poll);
  }

  @Test
  void readerShouldRejectARecordCrossingTheEnd() {
    RingWriter writer = ring.writer();
    RingReader reader = ring.reader();
    // Move both ends to index 4000 legitimately, then forge a record running past 4096.
    for (int i = 0; i < 25; i++) {
      writer.offer(new byte[152], TYPE_BYTES);
      assertNotNull(reader.poll());
    }
    forge(4000, 200, TYPE_BYTES, 4000 + 256);
    assertCorrupt("crosses the end", reader::poll);
  }

  @Test
  void readerShouldRejectPaddingThatDoesNotFillToTheEnd() {
    RingReader reader = ring.reader();
    forge(0, 8, RingDescriptor.TYPE_PADDING, 64);
    assertCorrupt("does not fill to the end", reader::poll);
  }

  @Test
  void readerShouldRejectAnEndWithAPayload() {
    RingReader reader = ring.reader();
    forge(0, 8, RingDescriptor.TYPE_END, 16);
    assertCorrupt("END record", reader::poll);
  }

  @Test
  void readerShouldRejectGarbageWhileBlockedInTake() {
    RingReader reader = ring.reader();
    forge(0, 3, 77, 16);
    assertCorrupt("record type 77", () -> reader.take(Duration.ofSeconds(30)));
  }

  @Test
  void writerShouldRejectAHeadThatIsNotAMultipleOf8() {
    RingWriter writer = ring.writer();
    fill(writer);
    region.writeVolatileInt(HEAD, 4);
    assertCorrupt("head 4 is not a multiple of 8", () -> writer.offer(new byte[500], TYPE_BYTES));
  }

  @Test
  void writerShouldRejectAHeadBeyondItsTail() {
    RingWriter writer = ring.writer();
    fill(writer);
    region.writeVolatileInt(HEAD, 8192);
    assertCorrupt("beyond tail", () -> writer.offer(new byte[500], TYPE_BYTES));
  }

  @Test
  void writerShouldRejectAHeadMovingBackwards() {
    RingWriter writer = ring.writer();
    RingReader reader = ring.reader();
    fill(writer);
    reader.poll();
    reader.poll();
    fill(writer);
    region.writeVolatileInt(HEAD, 8);
    assertCorrupt("backwards", () -> writer.offer(new byte[500], TYPE_BYTES));
  }

  @Test
  void writerShouldRejectAHostileHeadWhileBlockedInWrite() {
    RingWriter writer = ring.writer();
    fill(writer);
    region.writeVolatileInt(HEAD, -8);
    assertCorrupt("backwards", () -> writer.write(new byte[500], TYPE_BYTES, Duration.ofSeconds(30)));
  }

  @Test
  void endsShouldRejectCountersThatCannotBeAttachedTo() {
    region.writeVolatileInt(HEAD, 3);
    assertCorrupt("head 3", ring::reader);
    region.writeVolatileInt(HEAD, 0);
    region.writeVolatileInt(TAIL, CAPACITY + 64);
    assertCorrupt("tail " + (CAPACITY + 64), ring::writer);
  }

  private static void fill(RingWriter writer) {
    while (writer.offer(new byte[500], TYPE_BYTES)) {
      // until full
    }
  }
}
