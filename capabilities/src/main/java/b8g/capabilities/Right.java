package b8g.capabilities;

import java.util.EnumSet;
import java.util.Locale;
import java.util.Set;

/**
 * What a capability allows. For a region: read or write its bytes; for a channel end: read or write
 * messages; for a directory: which files {@code open} may give (read, write, append to, create).
 */
public enum Right {
  READ(1),
  WRITE(2),
  /** Directory: open files for appending. */
  APPEND(4),
  /** Directory: create files that do not exist. */
  CREATE(8);

  private final int bit;

  Right(int bit) {
    this.bit = bit;
  }

  /** The bit of this right in a mask, as used across the JS boundary. */
  public int bit() {
    return bit;
  }

  public static int mask(Set<Right> rights) {
    int m = 0;
    for (Right r : rights) {
      m |= r.bit;
    }
    return m;
  }

  /** Rights from a mask; bits of no right are rejected, not ignored. */
  public static Set<Right> fromMask(int mask) {
    if ((mask & ~15) != 0) {
      throw new CapabilityException("capability.rights", "unknown rights bits 0x" + Integer.toHexString(mask));
    }
    EnumSet<Right> s = EnumSet.noneOf(Right.class);
    for (Right r : values()) {
      if ((mask & r.bit) != 0) {
        s.add(r);
      }
    }
    return s;
  }

  public String lowerName() {
    return name().toLowerCase(Locale.ROOT);
  }
}
