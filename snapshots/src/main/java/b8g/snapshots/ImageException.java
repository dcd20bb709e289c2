package b8g.snapshots;

import b8g.errors.B8gException;

/**
 * A stack image that is malformed, corrupt, too large or incompatible with this host, or one that
 * could not be read or written. Always {@link B8gException.Category#IMAGE}.
 *
 * <p>Codes are stable (scripts and tests match on them):
 *
 * <ul>
 *   <li>{@value #TRUNCATED}: the file ends before a structure it declares.
 *   <li>{@value #MAGIC}: not a stack image at all.
 *   <li>{@value #VERSION}: a format major this reader does not know (newer or zero).
 *   <li>{@value #CHECKSUM}: a CRC32C over the header, the section table or a section differs.
 *   <li>{@value #BOUNDS}: an offset, length or count points outside its container.
 *   <li>{@value #OVERLAP}: two sections, or a section and the header/table, share bytes.
 *   <li>{@value #ALIGNMENT}: a section does not start on its required boundary.
 *   <li>{@value #PADDING}: a byte between structures that must be zero is not.
 *   <li>{@value #TOO_LARGE}: a size or count above the reader's configured limits.
 *   <li>{@value #MALFORMED}: a section's content does not parse (bad UTF-8, unknown enum, missing
 *       or duplicate entries, cross-references that do not resolve).
 *   <li>{@value #INCOMPATIBLE}: the image needs something this host does not have: another V8,
 *       Javet or ABI version, another OS/arch, an unknown required section or flag.
 *   <li>{@value #UNCHECKED}: a V8 context blob was asked of an image opened for inspection only.
 *   <li>{@value #IO}: the file could not be read or written.
 *   <li>{@value #INTERRUPTED}: the thread writing an image was interrupted; nothing was written.
 * </ul>
 */
public final class ImageException extends B8gException {
  private static final long serialVersionUID = 1L;

  public static final String TRUNCATED = "image.truncated";
  public static final String MAGIC = "image.magic";
  public static final String VERSION = "image.version";
  public static final String CHECKSUM = "image.checksum";
  public static final String BOUNDS = "image.bounds";
  public static final String OVERLAP = "image.overlap";
  public static final String ALIGNMENT = "image.alignment";
  public static final String PADDING = "image.padding";
  public static final String TOO_LARGE = "image.too_large";
  public static final String MALFORMED = "image.malformed";
  public static final String INCOMPATIBLE = "image.incompatible";
  public static final String UNCHECKED = "image.unchecked";
  public static final String IO = "image.io";
  public static final String INTERRUPTED = "image.interrupted";

  public ImageException(String code, String message) {
    super(Category.IMAGE, code, message);
  }

  public ImageException(String code, String message, Throwable cause) {
    super(Category.IMAGE, code, message, cause);
  }
}
