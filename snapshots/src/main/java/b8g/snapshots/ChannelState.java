package b8g.snapshots;

import java.nio.ByteBuffer;
import java.util.List;
import java.util.Objects;

/**
 * One channel at the moment of the snapshot: its name, ring capacity and the messages written
 * but not yet read, oldest first.
 */
public record ChannelState(String name, long capacity, List<Message> unread) {

  /**
   * One unread message: its record type and payload. The payload is a read-only view; each call
   * to {@link #payload()} returns a fresh one, positioned at 0.
   */
  public record Message(int type, ByteBuffer payload) {
    public Message {
      payload = Objects.requireNonNull(payload, "payload").slice().asReadOnlyBuffer();
    }

    @Override
    public ByteBuffer payload() {
      return payload.duplicate();
    }
  }

  public ChannelState {
    Objects.requireNonNull(name, "name");
    unread = List.copyOf(unread);
    if (capacity < 0) {
      throw new IllegalArgumentException("capacity must be >= 0, was " + capacity);
    }
  }

  /** Sum of the unread payload lengths. */
  public long unreadBytes() {
    long sum = 0;
    for (Message m : unread) {
      sum += m.payload.remaining();
    }
    return sum;
  }
}
