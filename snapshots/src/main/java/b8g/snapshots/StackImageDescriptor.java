package b8g.snapshots;

import java.nio.charset.StandardCharsets;

/**
 * The binary layout of a stack image, format 2.1. All integers are little-endian and unsigned
 * unless noted; every offset is absolute from the start of the file, so any section can be read
 * (or mapped) by its table entry without parsing any other section.
 *
 * <pre>
 *  file
 *  +------------------------------+ 0
 *  | header (HEADER_LENGTH = 64)  |
 *  +------------------------------+ headerLength
 *  | section table                |  sectionCount entries of entryLength (32) bytes
 *  +------------------------------+ headerLength + sectionCount * entryLength
 *  | zero padding to 8            |
 *  | sections, in any order       |  each 8-aligned; REGION_BYTES 4096-aligned so it can be
 *  | zero padding between them    |  mapped directly. This writer: small sections in the gap
 *  | ...                          |  after the table, REGION_BYTES from the first page
 *  |                              |  boundary after it, CONTEXT last
 *  +------------------------------+ fileLength (end of the last section; no trailing bytes)
 *
 *  header (64 bytes)
 *   0               8       10      12              16              20
 *  +---------------+-------+-------+---------------+---------------+
 *  | magic         | major | minor | headerLength  | sectionCount  |
 *  | "B8GIMAGE"    | u16   | u16   | u32 (>= 64)   | u32 (<= 4096) |
 *  +---------------+-------+-------+---------------+---------------+
 *   20              24              28              32
 *  +---------------+---------------+---------------+
 *  | entryLength   | flags         | headerCrc     |  headerCrc: CRC32C of bytes
 *  | u32 (>= 32)   | u32           | u32           |  [0, headerLength) with this field zeroed
 *  +---------------+---------------+---------------+
 *   32                              40              44              48            64
 *  +-------------------------------+---------------+---------------+-------------+
 *  | fileLength u64                | tableCrc u32  | reserved u32  | reserved    |
 *  +-------------------------------+---------------+---------------+-------------+
 *   tableCrc: CRC32C of the whole section table; the header checksum covers it in turn.
 *
 *  section table entry (32 bytes in 2.0; a newer minor may append fields, readers skip them)
 *   0       4       8               16              24      28      32
 *  +-------+-------+---------------+---------------+-------+-------+
 *  | type  | flags | offset u64    | length u64    | crc   | id    |
 *  | u32   | u32   | (absolute)    | (bytes)       | u32   | u32   |
 *  +-------+-------+---------------+---------------+-------+-------+
 *   flags bit 0 REQUIRED: a reader that does not know the type must reject the image.
   flags bit 1 DEFLATED (2.1, CONTEXT only, header flag bit 0 set): stored as
   u64 inflated length + zlib stream; crc covers the stored bytes.
 *   crc: CRC32C of the section's bytes. id: component index (CONTEXT), region index
 *   (REGION_BYTES), 0 otherwise.
 *
 *  section contents (str = u32 byte length + UTF-8 bytes, length <= 64 KiB)
 *   COMPATIBILITY       u32 count, count x (str key, str value); keys javet.version,
 *                       v8.version, os, arch, v8.flags, abi.version required, others kept
 *   MANIFEST            UTF-8 text of the manifest fragment (no length prefix)
 *   CONTEXT             the V8 startup blob of one component, opaque (deflated if the
 *                       entry says so: u64 inflated length, then a zlib stream)
 *   REGION_RECORDS  u32 count, count x (str name, u64 size, u32 backing, u32 rights)
 *   REGION_BYTES        the region's bytes, exactly its descriptor's size
 *   CAPABILITIES        u32 count, count x (u32 component, str envName, str kind,
 *                       str target, u32 rights); no secret has a field here
 *   COMPONENT_ORDER     u32 count, count x str name: the name of the component whose
 *                       CONTEXT has id i is the i-th; count = number of CONTEXT
 *                       sections, names non-empty and distinct
 *   (type 7)            retired: CHANNEL_STATE in format 1.0, never filled; refused
 *
 *  required: exactly one COMPATIBILITY and one COMPONENT_ORDER; at most one MANIFEST,
 *  REGION_RECORDS, CAPABILITIES; CONTEXT ids 0..n-1; REGION_BYTES ids 0..regions-1.
 * </pre>
 *
 * <p>Format history: 1.0 named the components in a comment line at the top of MANIFEST and had
 * a CHANNEL_STATE section (type 7) that was always empty. 2.0 gives the order its own section
 * and retires type 7. 2.1 may store CONTEXT sections deflated (section flag bit 1, announced by
 * the required header flag bit 0, so a 2.0 reader refuses such an image as needing a feature it
 * does not know and reads every other 2.1 image). A 2.x reader refuses 1.x images ({@link ImageException#VERSION}): stack
 * images are bound to one V8 build anyway, so they are taken again rather than converted.
 *
 * <p>The machine: every 2.x image records the OS ({@code os}) and CPU architecture ({@code arch})
 * its V8 blobs were taken on, required keys since 2.0, so no version adds them and no image that
 * this reader accepts lacks them (there is no "older image without the field" to guess about).
 * Their values are names, not an enumeration: writers record the canonical name ({@link
 * Compatibility#canonicalOs}, {@link Compatibility#canonicalArch}: {@code linux}, {@code x86_64},
 * {@code aarch64}), and readers compare canonical names, so an image written before names were
 * made canonical (Java's {@code amd64}, {@code Linux}) still matches its own machine, and one of
 * another machine is refused ({@link ImageException#INCOMPATIBLE}, naming the key) before any
 * blob reaches V8, which is specific to the CPU it was made for. Making values canonical changed
 * no byte of the layout, so the minor stays 1. The one cost: a b8g build from before compares
 * values as they are, so on Linux x86_64 (where Java says {@code amd64}) it refuses a newer
 * build's {@code x86_64} image as another architecture: a refusal, never a crash, and such a pair
 * of builds could restore each other's images only if their V8, Javet and ABI versions agreed.
 *
 * <p>Compatibility rules: a major above {@link #FORMAT_MAJOR} is rejected, a higher minor is read
 * (it may only add sections without the REQUIRED flag, header bytes past 64, entry bytes past 32,
 * flag bits 16-31). Header flag bits 0-15 are "required": one this reader does not know is
 * rejected. Bytes between structures must be zero, so a flipped bit anywhere in the file is
 * caught either by a checksum or by the padding check.
 */
public final class StackImageDescriptor {
  private StackImageDescriptor() {}

  /** The eight ASCII bytes every stack image starts with. */
  public static final byte[] MAGIC = "B8GIMAGE".getBytes(StandardCharsets.US_ASCII);

  public static final int FORMAT_MAJOR = 2;
  public static final int FORMAT_MINOR = 1;

  public static final int MAGIC_OFFSET = 0;
  public static final int MAJOR_OFFSET = 8;
  public static final int MINOR_OFFSET = 10;
  public static final int HEADER_LENGTH_OFFSET = 12;
  public static final int SECTION_COUNT_OFFSET = 16;
  public static final int ENTRY_LENGTH_OFFSET = 20;
  public static final int FLAGS_OFFSET = 24;
  public static final int HEADER_CHECKSUM_OFFSET = 28;
  public static final int FILE_LENGTH_OFFSET = 32;
  public static final int TABLE_CHECKSUM_OFFSET = 40;
  /** Header length written by this version; readers accept longer headers from newer minors. */
  public static final int HEADER_LENGTH = 64;
  /** Upper bound on a header from any 2.x minor; keeps a corrupt length from meaning much. */
  public static final int MAX_HEADER_LENGTH = 4096;

  public static final int ENTRY_TYPE_OFFSET = 0;
  public static final int ENTRY_FLAGS_OFFSET = 4;
  public static final int ENTRY_OFFSET_OFFSET = 8;
  public static final int ENTRY_LENGTH_FIELD_OFFSET = 16;
  public static final int ENTRY_CHECKSUM_OFFSET = 24;
  public static final int ENTRY_ID_OFFSET = 28;
  /** Entry length written by this version; readers accept longer entries from newer minors. */
  public static final int ENTRY_LENGTH = 32;
  public static final int MAX_ENTRY_LENGTH = 256;

  /** Hard cap on the section count, whatever the configured limits say. */
  public static final int MAX_SECTIONS = 4096;

  /** Header flag bits 0-15: a reader must know each one that is set. */
  public static final int HEADER_REQUIRED_FLAGS_MASK = 0x0000_FFFF;
  /**
   * Header flag bit 0 (2.1): some sections are stored deflated ({@link #SECTION_FLAG_DEFLATED}). A
   * required feature, so a 2.0 reader refuses such an image instead of handing V8 deflated bytes.
   */
  public static final int HEADER_FLAG_DEFLATED_SECTIONS = 1;
  /** Header flags this reader knows. */
  public static final int HEADER_KNOWN_FLAGS = HEADER_FLAG_DEFLATED_SECTIONS;

  /** Section entry flag: a reader that does not know the section's type must reject the image. */
  public static final int SECTION_FLAG_REQUIRED = 1;
  /**
   * Section entry flag (2.1, CONTEXT only): the section holds a u64 inflated length and a zlib
   * stream ({@link DeflatedSection}); the header must set {@link #HEADER_FLAG_DEFLATED_SECTIONS}.
   */
  public static final int SECTION_FLAG_DEFLATED = 2;

  /** Every section starts on a multiple of this. */
  public static final int SECTION_ALIGNMENT = 8;
  /** REGION_BYTES sections start on a multiple of this, so they can be mapped page by page. */
  public static final int PAGE_ALIGNMENT = 4096;

  /** Region backing codes in REGION_RECORDS. */
  public static final int BACKING_ANONYMOUS = 1;

  public static final int BACKING_SHARED_FILE = 2;

  /** Region rights bits in REGION_RECORDS; other bits are rejected. */
  public static final int RIGHT_READ = 1;

  public static final int RIGHT_WRITE = 2;

  /** Compatibility keys that must be present. */
  public static final String KEY_JAVET_VERSION = "javet.version";

  public static final String KEY_V8_VERSION = "v8.version";
  public static final String KEY_OS = "os";
  public static final String KEY_ARCH = "arch";
  public static final String KEY_V8_FLAGS = "v8.flags";
  public static final String KEY_ABI_VERSION = "abi.version";

  /**
   * Which of Javet's V8 builds took the image ({@code v8-i18n} or {@code v8}). Optional: an image
   * without it was written before it was recorded, when b8g ran only the build without ICU, and
   * reads as {@link Compatibility#ENGINE_BEFORE_RECORDED}.
   */
  public static final String KEY_ENGINE = "engine";

  /** The next multiple of {@code alignment} (a power of two) at or above {@code value}. */
  static long align(long value, int alignment) {
    return (value + alignment - 1) & -(long) alignment;
  }

  /** The alignment a section of this type must have. */
  static int alignmentOf(int type) {
    return type == SectionType.REGION_BYTES.code() ? PAGE_ALIGNMENT : SECTION_ALIGNMENT;
  }
}
