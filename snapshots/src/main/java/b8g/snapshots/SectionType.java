package b8g.snapshots;

/**
 * The section types of format 2.0, with their codes in the section table. Code 0 is never
 * written and is treated as unknown; code 7 is retired (see {@link #retiredName}) and never
 * reused.
 */
public enum SectionType {
  /** Versions this image needs (Javet, V8, OS/arch, V8 flags, ABI). Exactly one. */
  COMPATIBILITY(1),
  /** The manifest fragment the stack was built from, as text. At most one. */
  MANIFEST(2),
  /** The V8 context blob of one component; the entry's id is the component index. */
  CONTEXT(3),
  /** Name, size, backing and rights of every region. At most one. */
  REGION_RECORDS(4),
  /** The bytes of one region; the entry's id is the region index. Page aligned. */
  REGION_BYTES(5),
  /** The capability tables of all components, by name. Never secrets. At most one. */
  CAPABILITIES(6),
  /** The component names in CONTEXT id order. Exactly one (new in format 2.0). */
  COMPONENT_ORDER(8);

  /**
   * Code 7 was CHANNEL_STATE in format 1.0. Nothing ever filled it (unread channel messages travel
   * in their ring's REGION_BYTES), so format 2.0 dropped it; the code stays reserved so that a
   * section carrying it is refused by name rather than mistaken for something else.
   */
  public static final int RETIRED_CHANNEL_STATE = 7;

  private final int code;

  SectionType(int code) {
    this.code = code;
  }

  /** The u32 written in the section table. */
  public int code() {
    return code;
  }

  /** The former name of a retired code ({@code CHANNEL_STATE} for 7), or {@code null}. */
  public static String retiredName(int code) {
    return code == RETIRED_CHANNEL_STATE ? "CHANNEL_STATE" : null;
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
