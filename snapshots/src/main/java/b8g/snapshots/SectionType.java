package b8g.snapshots;

/**
 * The section types of format 1.0, with their codes in the section table. Code 0 is never
 * written and is treated as unknown.
 */
public enum SectionType {
  /** Versions this image needs (Javet, V8, OS/arch, V8 flags, ABI). Exactly one. */
  COMPATIBILITY(1),
  /** The manifest fragment the stack was built from, as text. At most one. */
  MANIFEST(2),
  /** The V8 context blob of one component; the entry's id is the component index. */
  CONTEXT(3),
  /** Name, size, backing and rights of every region. At most one. */
  REGION_DESCRIPTORS(4),
  /** The bytes of one region; the entry's id is the region index. Page aligned. */
  REGION_BYTES(5),
  /** The capability tables of all components, by name. Never secrets. At most one. */
  CAPABILITIES(6),
  /** Per channel: name, capacity and the unread messages. At most one. */
  CHANNEL_STATE(7);

  private final int code;

  SectionType(int code) {
    this.code = code;
  }

  /** The u32 written in the section table. */
  public int code() {
    return code;
  }

  /** The type with this code, or {@code null} if this version does not know it. */
  public static SectionType fromCode(int code) {
    for (SectionType t : values()) {
      if (t.code == code) {
        return t;
      }
    }
    return null;
  }
}
