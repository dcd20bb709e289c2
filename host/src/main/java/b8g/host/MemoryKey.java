package b8g.host;

/**
 * The name of one block of the host's memory: a manifest region, or the ring of a channel (a
 * region and a channel may share a name). {@link #imageName()} is how checkpoints, images and
 * restores spell it: {@code NAME} for a region, {@code channel:NAME} for a channel's ring.
 */
record MemoryKey(Kind kind, String name) {
  /** What the memory holds. */
  enum Kind {
    REGION,
    CHANNEL
  }

  private static final String CHANNEL_PREFIX = "channel:";

  static MemoryKey region(String name) {
    return new MemoryKey(Kind.REGION, name);
  }

  static MemoryKey channel(String name) {
    return new MemoryKey(Kind.CHANNEL, name);
  }

  /** The name in a checkpoint or an image: {@code NAME} or {@code channel:NAME}. */
  String imageName() {
    return kind == Kind.CHANNEL ? CHANNEL_PREFIX + name : name;
  }
}
