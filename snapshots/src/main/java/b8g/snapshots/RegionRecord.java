package b8g.snapshots;

import java.util.Objects;

/**
 * One saved region: its name, size in bytes, how it was backed and what rights its holders had.
 * The bytes themselves are in the REGION_BYTES section with the same index.
 *
 * @param rights bit set of {@link StackImageDescriptor#RIGHT_READ} and {@link
 *     StackImageDescriptor#RIGHT_WRITE}
 */
public record RegionRecord(String name, long size, Backing backing, int rights) {

  /** How a region's memory was provided. */
  public enum Backing {
    /** Anonymous in-process memory. */
    ANONYMOUS(StackImageDescriptor.BACKING_ANONYMOUS),
    /** A file under {@code /dev/shm} shared with other processes. */
    SHARED_FILE(StackImageDescriptor.BACKING_SHARED_FILE);

    private final int code;

    Backing(int code) {
      this.code = code;
    }

    public int code() {
      return code;
    }

    /** The backing with this code, or {@code null}. */
    public static Backing fromCode(int code) {
      for (Backing b : values()) {
        if (b.code == code) {
          return b;
        }
      }
      return null;
    }
  }

  public RegionRecord {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(backing, "backing");
    if (size < 0) {
      throw new IllegalArgumentException("size must be >= 0, was " + size);
    }
  }
}
