package b8g.host.worker;

import b8g.host.worker.wire.Frame;
import com.google.protobuf.InvalidProtocolBufferException;
import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.ByteChannel;

/**
 * One side of a worker link as frames (worker.proto): a little-endian u32 length, then that many
 * bytes of one {@link Frame}. Reading faces hostile bytes: the length is checked against
 * {@link #MAX_FRAME} before anything is allocated, the bytes must parse as a frame with a body,
 * and sequence numbers must count up from 1 without a gap. Any breach is a {@link WorkerException}
 * naming the frame's number and byte offset; the link is not usable after it. Not thread-safe:
 * one reader and one writer thread at most, each with its own direction.
 */
public final class FrameChannel implements AutoCloseable {
  /** The largest frame either side accepts, in bytes (without its length word). */
  public static final int MAX_FRAME = 1 << 20;

  private final ByteChannel channel;
  private final String peer;
  private final ByteBuffer header = ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN);
  private long sent;
  private long received;
  private long offset;

  /** {@code peer}: how errors name the other side, e.g. "worker 4711". */
  public FrameChannel(ByteChannel channel, String peer) {
    this.channel = channel;
    this.peer = peer;
  }

  /**
   * Sends {@code frame}'s body with this side's next sequence number.
   *
   * @throws WorkerException {@code worker.oversized} for a frame over {@link #MAX_FRAME} (nothing is
   *     sent; the other side would refuse it and end the link)
   */
  public synchronized void send(Frame.Builder frame) throws IOException {
    byte[] body = frame.setSeq(sent + 1).build().toByteArray();
    if (body.length > MAX_FRAME) {
      throw oversized(frame, body.length, peer);
    }
    sent++;
    ByteBuffer out = ByteBuffer.allocate(4 + body.length).order(ByteOrder.LITTLE_ENDIAN);
    out.putInt(body.length).put(body).flip();
    while (out.hasRemaining()) {
      channel.write(out);
    }
  }

  /**
   * Checks before it is queued that {@code frame} will fit in one frame to {@code peer} (with any
   * sequence number).
   *
   * @throws WorkerException {@code worker.oversized} otherwise
   */
  public static void requireFits(Frame.Builder frame, String peer) {
    int size = frame.clone().setSeq(-1L).build().getSerializedSize();
    if (size > MAX_FRAME) {
      throw oversized(frame, size, peer);
    }
  }

  private static WorkerException oversized(Frame.Builder frame, int size, String peer) {
    return new WorkerException("worker.oversized", "a " + frame.getBodyCase() + " frame of " + size
        + " bytes for " + peer + " is over the limit of " + MAX_FRAME + " bytes; nothing was sent");
  }

  /**
   * The next frame from the other side.
   *
   * @throws EOFException when the other side closed the link between two frames
   * @throws WorkerException {@code worker.garbage} (not a frame, no body, a truncated frame),
   *     {@code worker.oversized} (length 0 or over {@link #MAX_FRAME}), {@code worker.order} (a
   *     sequence number out of order)
   */
  public Frame receive() throws IOException {
    long at = offset;
    long number = received + 1;
    header.clear();
    if (!fill(header, true, number, at)) {
      throw new EOFException(peer + " closed the link after " + received + " frame(s)");
    }
    int length = header.flip().getInt();
    if (length <= 0 || length > MAX_FRAME) {
      throw new WorkerException("worker.oversized", peer + ": frame " + number + " at byte " + at + " claims "
          + Integer.toUnsignedString(length) + " bytes (allowed 1.." + MAX_FRAME + ")");
    }
    ByteBuffer body = ByteBuffer.allocate(length);
    fill(body, false, number, at);
    Frame frame;
    try {
      frame = Frame.parseFrom(body.flip());
    } catch (InvalidProtocolBufferException e) {
      throw new WorkerException("worker.garbage", peer + ": frame " + number + " at byte " + at
          + " is not a worker frame (" + e.getMessage() + ")", e);
    }
    if (frame.getBodyCase() == Frame.BodyCase.BODY_NOT_SET) {
      throw new WorkerException("worker.garbage", peer + ": frame " + number + " at byte " + at
          + " has no body this build knows");
    }
    if (frame.getSeq() != number) {
      throw new WorkerException("worker.order", peer + ": frame " + number + " at byte " + at
          + " carries sequence number " + Long.toUnsignedString(frame.getSeq()) + ", expected " + number);
    }
    received = number;
    return frame;
  }

  /** Reads until {@code b} is full; false on end of file before the first byte when {@code eofOk}. */
  private boolean fill(ByteBuffer b, boolean eofOk, long number, long at) throws IOException {
    boolean first = true;
    while (b.hasRemaining()) {
      int n = channel.read(b);
      if (n < 0) {
        if (first && eofOk) {
          return false;
        }
        throw new WorkerException("worker.garbage", peer + ": frame " + number + " at byte " + at
            + " is cut short (the link closed inside it)");
      }
      offset += n;
      first = first && n == 0;
    }
    return true;
  }

  /** Frames received so far. */
  public long received() {
    return received;
  }

  @Override
  public void close() throws IOException {
    channel.close();
  }
}
