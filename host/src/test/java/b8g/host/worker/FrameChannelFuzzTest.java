package b8g.host.worker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import b8g.host.worker.wire.Frame;
import b8g.host.worker.wire.Goodbye;
import b8g.host.worker.wire.Ping;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ByteChannel;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The host's reader of worker frames faces hostile bytes: every stream ends in frames, EOF or a WorkerException. */
class FrameChannelFuzzTest {
  /** A channel over fixed bytes; writes are kept. */
  private static final class Bytes implements ByteChannel {
    private final ByteBuffer in;
    final ByteArrayOutputStream out = new ByteArrayOutputStream();

    Bytes(byte[] bytes) {
      in = ByteBuffer.wrap(bytes);
    }

    @Override
    public int read(ByteBuffer dst) {
      if (!in.hasRemaining()) {
        return -1;
      }
      int n = Math.min(dst.remaining(), Math.min(in.remaining(), 7)); // short reads, like a socket
      ByteBuffer slice = in.slice().limit(n);
      dst.put(slice);
      in.position(in.position() + n);
      return n;
    }

    @Override
    public int write(ByteBuffer src) {
      int n = src.remaining();
      byte[] b = new byte[n];
      src.get(b);
      out.write(b, 0, n);
      return n;
    }

    @Override
    public boolean isOpen() {
      return true;
    }

    @Override
    public void close() {}
  }

  private static byte[] validStream(int frames) throws IOException {
    Bytes sink = new Bytes(new byte[0]);
    FrameChannel w = new FrameChannel(sink, "test");
    for (int i = 0; i < frames; i++) {
      w.send(i % 3 == 2 ? Frame.newBuilder().setGoodbye(Goodbye.newBuilder().setReason("r" + i))
          : Frame.newBuilder().setPing(Ping.newBuilder().setNonce(i)));
    }
    return sink.out.toByteArray();
  }

  @Test
  void aValidStreamReadsBackInOrderThenEndsCleanly() throws Exception {
    FrameChannel r = new FrameChannel(new Bytes(validStream(50)), "worker 1");
    for (int i = 0; i < 50; i++) {
      assertEquals(i + 1, r.receive().getSeq());
    }
    assertThrows(EOFException.class, r::receive);
  }

  @Test
  void everyMutationEndsInFramesAnEndOrAWorkerException() throws Exception {
    byte[] valid = validStream(12);
    Random rng = new Random(0xB8);
    int refused = 0;
    for (int round = 0; round < 20_000; round++) {
      byte[] b = valid.clone();
      switch (round % 4) {
        case 0 -> b[rng.nextInt(b.length)] = (byte) rng.nextInt(256);
        case 1 -> {
          for (int k = 0; k < 1 + rng.nextInt(8); k++) {
            b[rng.nextInt(b.length)] ^= (byte) (1 << rng.nextInt(8));
          }
        }
        case 2 -> b = java.util.Arrays.copyOf(b, rng.nextInt(b.length));
        default -> {
          b = new byte[rng.nextInt(64)];
          rng.nextBytes(b);
        }
      }
      FrameChannel r = new FrameChannel(new Bytes(b), "worker 1");
      try {
        for (int i = 0; i < 100; i++) {
          r.receive();
        }
      } catch (EOFException e) {
        // a clean end between frames
      } catch (WorkerException e) {
        refused++;
        assertTrue(e.code().startsWith("worker."), e.code());
        assertTrue(e.getMessage().contains("frame " + (r.received() + 1) + " at byte "), e.getMessage());
      }
    }
    assertTrue(refused > 10_000, "most mutations are refused: " + refused);
  }

  @Test
  void aLengthIsCheckedBeforeAnythingIsAllocated() {
    byte[] huge = {(byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff};
    WorkerException e = assertThrows(WorkerException.class, () -> new FrameChannel(new Bytes(huge), "worker 9").receive());
    assertEquals("worker.oversized", e.code());
    assertEquals("worker 9: frame 1 at byte 0 claims 4294967295 bytes (allowed 1..1048576)", e.getMessage());
  }

  private static byte[] raw(Frame f) {
    byte[] body = f.toByteArray();
    return ByteBuffer.allocate(4 + body.length).order(java.nio.ByteOrder.LITTLE_ENDIAN).putInt(body.length).put(body).array();
  }

  @Test
  void aSequenceGapIsRefused() throws Exception {
    Ping ping = Ping.newBuilder().setNonce(1).build();
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    b.write(raw(Frame.newBuilder().setSeq(1).setPing(ping).build()));
    b.write(raw(Frame.newBuilder().setSeq(3).setPing(ping).build()));
    FrameChannel r = new FrameChannel(new Bytes(b.toByteArray()), "worker 2");
    r.receive();
    WorkerException e = assertThrows(WorkerException.class, r::receive);
    assertEquals("worker.order", e.code());
    assertTrue(e.getMessage().contains("frame 2 at byte "), e.getMessage());
    assertTrue(e.getMessage().contains("carries sequence number 3, expected 2"), e.getMessage());
  }

  @Test
  void aFrameWithoutABodyIsRefused() throws Exception {
    FrameChannel r = new FrameChannel(new Bytes(raw(Frame.newBuilder().setSeq(1).build())), "worker 3");
    WorkerException e = assertThrows(WorkerException.class, r::receive);
    assertEquals("worker.garbage", e.code());
  }

  @Test
  void aFrameOverTheLimitIsNotSentAndTheNextStillCounts() throws Exception {
    Bytes sink = new Bytes(new byte[0]);
    FrameChannel w = new FrameChannel(sink, "worker 4");
    WorkerException e = assertThrows(WorkerException.class, () -> w.send(Frame.newBuilder()
        .setGoodbye(Goodbye.newBuilder().setReason("x".repeat(FrameChannel.MAX_FRAME)))));
    assertEquals("worker.oversized", e.code());
    assertEquals(0, sink.out.size(), "nothing was sent");
    w.send(Frame.newBuilder().setPing(Ping.newBuilder().setNonce(1)));
    assertEquals(1, new FrameChannel(new Bytes(sink.out.toByteArray()), "host").receive().getSeq());
  }
}
