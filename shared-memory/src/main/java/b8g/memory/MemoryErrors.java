package b8g.memory;

import b8g.errors.B8gException;
import b8g.errors.B8gException.Category;

/** The stable codes this module raises, each built in one place so messages stay consistent. */
final class MemoryErrors {
  private MemoryErrors() {}

  static B8gException regionSize(String name, long size, long max) {
    return new B8gException(
        Category.MEMORY,
        "region.size",
        "region '" + name + "': size " + size + " is out of range, it must be 1 .. " + max + " bytes");
  }

  static B8gException regionClosed(String name) {
    return new B8gException(
        Category.MEMORY, "region.closed", "region '" + name + "' is closed: its memory was released");
  }

  static B8gException outOfRange(String name, long offset, long length, long size) {
    return new B8gException(
        Category.MEMORY,
        "region.out_of_range",
        "region '" + name + "': access of " + length + " bytes at offset " + offset
            + " is outside the region of " + size + " bytes");
  }

  static B8gException channelCorrupt(String what) {
    return new B8gException(
        Category.MEMORY,
        "channel.corrupt",
        "channel corrupt: " + what + "; the other end wrote an impossible value, close the channel");
  }

  static B8gException channelVersion(int version) {
    return new B8gException(
        Category.MEMORY,
        "channel.version",
        "channel ring version " + (version >>> 16) + "." + (version & 0xffff)
            + " is not supported (this build reads " + RingDescriptor.VERSION_MAJOR
            + ".x): was the ring created by a different b8g release?");
  }

  static B8gException tooLarge(int length, int maxPayload) {
    return new B8gException(
        Category.MEMORY,
        "channel.too_large",
        "message of " + length + " bytes exceeds this channel's maximum of " + maxPayload
            + " bytes: split it or use a channel with a larger capacity");
  }

  static B8gException channelClosed() {
    return new B8gException(
        Category.MEMORY, "channel.closed", "channel writer is closed: END was already offered");
  }

  /** The other end is gone for good: EPIPE for a writer, a writer that died for a reader. */
  static B8gException channelBroken(boolean writerSide) {
    return new B8gException(
        Category.MEMORY,
        "channel.broken",
        writerSide
            ? "channel broken: its reader is gone (its holder ended) and nothing will read what is written"
            : "channel broken: its writer is gone (its holder ended without closing the channel);"
                + " every message it wrote was read");
  }

  static B8gException badType(int type) {
    return new B8gException(
        Category.MEMORY,
        "channel.type",
        "record type " + type + " cannot be offered: use BYTES (2) or TEXT (3); END is written by close()");
  }

  static B8gException interrupted() {
    return new B8gException(
        Category.MEMORY, "channel.interrupted", "interrupted while waiting on a channel");
  }

  static B8gException busy(String end) {
    return new B8gException(
        Category.MEMORY,
        "channel.busy",
        "this ring already has a " + end + ": a ring has exactly one writer and one reader");
  }
}
