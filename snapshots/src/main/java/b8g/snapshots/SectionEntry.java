package b8g.snapshots;

/**
 * One row of an image's section table, as read and validated.
 *
 * @param position the row's index in the table
 * @param type the raw type code ({@link SectionType#code()}); may be one this version does not
 *     know if the section is optional
 * @param flags the raw entry flags ({@link StackImageDescriptor#SECTION_FLAG_REQUIRED})
 * @param offset absolute byte offset of the section in the file
 * @param length byte length of the section
 * @param checksum CRC32C of the section's bytes (verified)
 * @param id component index (CONTEXT), region index (REGION_BYTES), otherwise 0
 */
public record SectionEntry(int position, int type, int flags, long offset, long length, int checksum, int id) {

  /** The known type, or {@code null} for an optional section of a type this version skips. */
  public SectionType knownType() {
    return SectionType.fromCode(type);
  }

  /** True if a reader that does not know the type must reject the image. */
  public boolean required() {
    return (flags & StackImageDescriptor.SECTION_FLAG_REQUIRED) != 0;
  }

  /** True if the section is stored deflated ({@link DeflatedSection}). */
  public boolean deflated() {
    return (flags & StackImageDescriptor.SECTION_FLAG_DEFLATED) != 0;
  }

  /** The type's name, {@code retired(N, NAME)} for a retired code, or {@code unknown(N)}. */
  public String typeName() {
    SectionType t = knownType();
    if (t != null) {
      return t.name();
    }
    String retired = SectionType.retiredName(type);
    String code = Integer.toUnsignedString(type);
    return retired != null ? "retired(" + code + ", " + retired + ")" : "unknown(" + code + ")";
  }

  /** {@code section N (TYPE, id I)}: where this section is, for messages. */
  public String describe() {
    return "section " + position + " (" + typeName() + ", id " + Integer.toUnsignedString(id) + ")";
  }
}
