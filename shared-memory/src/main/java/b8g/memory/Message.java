package b8g.memory;

import java.nio.charset.StandardCharsets;

/**
 * One record taken from a ring: its type ({@link RingDescriptor#TYPE_BYTES}, {@link
 * RingDescriptor#TYPE_TEXT} or {@link RingDescriptor#TYPE_END}) and a private copy of its payload,
 * owned by the caller.
 */
public record Message(int type, byte[] bytes) {
  public boolean isEnd() {
    return type == RingDescriptor.TYPE_END;
  }

  /** The payload decoded as UTF-8 (malformed input is replaced, never thrown). */
  public String text() {
    return new String(bytes, StandardCharsets.UTF_8);
  }
}
