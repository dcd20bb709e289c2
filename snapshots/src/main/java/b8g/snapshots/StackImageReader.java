package b8g.snapshots;

import static b8g.snapshots.StackImageDescriptor.*;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;

/**
 * Verifies the container of a whole image held in memory (magic, version, header, section table,
 * every entry's bounds, alignment and overlaps, zero padding, every checksum), has {@link
 * ImageContents} parse what the sections say, checks compatibility last, and builds the {@link
 * StackImage}. It never returns a partly checked image. The order of checks
 * is the order in which fields become trustworthy: magic and major version say how to read the
 * rest; the header checksum vouches for the header; the header vouches for the table checksum,
 * which vouches for the table; the table gives bounds, and the section checksums vouch for the
 * section bytes, which only then are parsed. Arithmetic on offsets is done in {@code long} on
 * values already checked to be non-negative and within the file, so it cannot overflow.
 */
final class StackImageReader {
  private StackImageReader() {}

  static StackImage validate(ByteBuffer image, String source, Compatibility expected, StackImage.Limits limits) {
    ByteBuffer buf = image.slice().order(ByteOrder.LITTLE_ENDIAN);
    final long actual = buf.remaining();
    final String at = source + ": ";

    // ---- magic and version
    if (actual < MAGIC.length) {
      throw new ImageException(
          ImageException.TRUNCATED,
          at + "file is " + actual + " bytes, shorter than the 8-byte stack image magic;"
              + " the file was cut short or is not a stack image");
    }
    byte[] magic = new byte[MAGIC.length];
    buf.get(MAGIC_OFFSET, magic);
    if (!Arrays.equals(magic, MAGIC)) {
      throw new ImageException(
          ImageException.MAGIC,
          at + "not a b8g stack image (the file does not start with \"B8GIMAGE\")");
    }
    if (actual < HEADER_LENGTH) {
      throw new ImageException(
          ImageException.TRUNCATED,
          at + "file is " + actual + " bytes, shorter than the " + HEADER_LENGTH
              + "-byte header; the file was cut short (interrupted copy or download?)");
    }
    int major = Short.toUnsignedInt(buf.getShort(MAJOR_OFFSET));
    int minor = Short.toUnsignedInt(buf.getShort(MINOR_OFFSET));
    if (major > FORMAT_MAJOR) {
      throw new ImageException(
          ImageException.VERSION,
          at + "image format " + major + "." + minor + " is newer than this reader's "
              + FORMAT_MAJOR + "." + FORMAT_MINOR
              + "; was the image written by a newer version of b8g? Use that version to read it");
    }
    if (major < 1) {
      throw new ImageException(
          ImageException.VERSION, at + "image format major " + major + " does not exist; the header is corrupt");
    }
    if (major < FORMAT_MAJOR) {
      throw new ImageException(
          ImageException.VERSION,
          at + "image format " + major + "." + minor + " is older than this reader's " + FORMAT_MAJOR + "."
              + FORMAT_MINOR + " (2.0 moved the component order into a COMPONENT_ORDER section);"
              + " take the snapshot again with this version of b8g");
    }

    // ---- header
    long headerLength = u32(buf, HEADER_LENGTH_OFFSET);
    if (headerLength < HEADER_LENGTH || headerLength > MAX_HEADER_LENGTH || headerLength % 8 != 0) {
      throw new ImageException(
          ImageException.BOUNDS,
          at + "header length " + headerLength + " is not a multiple of 8 in [" + HEADER_LENGTH
              + ", " + MAX_HEADER_LENGTH + "]; the header is corrupt");
    }
    if (headerLength > actual) {
      throw new ImageException(
          ImageException.TRUNCATED,
          at + "file is " + actual + " bytes, shorter than its " + headerLength
              + "-byte header; the file was cut short");
    }
    int storedHeaderCrc = buf.getInt(HEADER_CHECKSUM_OFFSET);
    int headerCrc = Checksums.header(buf, (int) headerLength);
    if (storedHeaderCrc != headerCrc) {
      throw new ImageException(
          ImageException.CHECKSUM,
          at + "header checksum mismatch (stored " + Checksums.hex(storedHeaderCrc) + ", computed "
              + Checksums.hex(headerCrc) + "); the header is corrupt, restore the image from a good copy");
    }
    long fileLength = buf.getLong(FILE_LENGTH_OFFSET);
    if (fileLength < 0 || fileLength > limits.maxImageBytes()) {
      throw new ImageException(
          ImageException.TOO_LARGE,
          at + "header declares a file of " + Long.toUnsignedString(fileLength)
              + " bytes, more than the limit of " + limits.maxImageBytes() + " bytes");
    }
    if (actual < fileLength) {
      throw new ImageException(
          ImageException.TRUNCATED,
          at + "file is " + actual + " bytes but its header says " + fileLength
              + "; the file was cut short (interrupted copy or download?)");
    }
    if (actual > fileLength) {
      throw new ImageException(
          ImageException.BOUNDS,
          at + "file is " + actual + " bytes but its header says " + fileLength
              + "; " + (actual - fileLength) + " trailing bytes do not belong to the image");
    }
    int flags = buf.getInt(FLAGS_OFFSET);
    int unknownRequired = flags & HEADER_REQUIRED_FLAGS_MASK & ~HEADER_KNOWN_FLAGS;
    if (unknownRequired != 0) {
      throw new ImageException(
          ImageException.INCOMPATIBLE,
          at + "image needs features this reader does not know (header flags " + Checksums.hex(unknownRequired)
              + "); was it written by a newer version of b8g?");
    }

    // ---- section table
    long count = u32(buf, SECTION_COUNT_OFFSET);
    int maxSections = Math.min(MAX_SECTIONS, limits.maxSections());
    if (count > maxSections) {
      throw new ImageException(
          ImageException.TOO_LARGE,
          at + "header declares " + count + " sections, more than the limit of " + maxSections);
    }
    long entryLength = u32(buf, ENTRY_LENGTH_OFFSET);
    if (entryLength < ENTRY_LENGTH || entryLength > MAX_ENTRY_LENGTH || entryLength % 8 != 0) {
      throw new ImageException(
          ImageException.BOUNDS,
          at + "section entry length " + entryLength + " is not a multiple of 8 in ["
              + ENTRY_LENGTH + ", " + MAX_ENTRY_LENGTH + "]; the header is corrupt");
    }
    long tableEnd = headerLength + count * entryLength; // <= 4096 + 4096 * 256: no overflow
    if (tableEnd > fileLength) {
      throw new ImageException(
          ImageException.BOUNDS,
          at + "section table ends at " + tableEnd + ", past the end of the file at " + fileLength);
    }
    int storedTableCrc = buf.getInt(TABLE_CHECKSUM_OFFSET);
    int tableCrc = Checksums.of(buf, headerLength, tableEnd - headerLength);
    if (storedTableCrc != tableCrc) {
      throw new ImageException(
          ImageException.CHECKSUM,
          at + "section table checksum mismatch (stored " + Checksums.hex(storedTableCrc) + ", computed "
              + Checksums.hex(tableCrc) + "); the table is corrupt, restore the image from a good copy");
    }

    List<SectionEntry> sections = new ArrayList<>((int) count);
    for (int i = 0; i < count; i++) {
      int e = (int) (headerLength + i * entryLength);
      SectionEntry entry =
          new SectionEntry(
              i,
              buf.getInt(e + ENTRY_TYPE_OFFSET),
              buf.getInt(e + ENTRY_FLAGS_OFFSET),
              buf.getLong(e + ENTRY_OFFSET_OFFSET),
              buf.getLong(e + ENTRY_LENGTH_FIELD_OFFSET),
              buf.getInt(e + ENTRY_CHECKSUM_OFFSET),
              buf.getInt(e + ENTRY_ID_OFFSET));
      checkEntry(at, entry, fileLength, tableEnd, flags, limits);
      sections.add(entry);
    }

    // ---- overlaps and padding: sort by offset, walk the file once
    List<SectionEntry> byOffset = new ArrayList<>(sections);
    byOffset.sort(Comparator.comparingLong(SectionEntry::offset).thenComparingLong(SectionEntry::length));
    long cursor = tableEnd;
    SectionEntry previous = null;
    for (SectionEntry s : byOffset) {
      if (s.length() == 0) {
        continue; // occupies nothing; its offset was bounds- and alignment-checked
      }
      if (s.offset() < cursor) {
        throw new ImageException(
            ImageException.OVERLAP,
            at + s.describe() + " overlaps " + (previous == null ? "the section table" : previous.describe())
                + "; the table is corrupt");
      }
      cursor = s.offset() + s.length();
      previous = s;
    }
    // A second walk for padding, so a moved section is reported as the overlap it causes rather
    // than as the non-zero gap it leaves behind.
    cursor = tableEnd;
    for (SectionEntry s : byOffset) {
      if (s.length() > 0) {
        requireZero(at, buf, cursor, s.offset());
        cursor = s.offset() + s.length();
      }
    }
    requireZero(at, buf, cursor, fileLength);

    // ---- section checksums
    for (SectionEntry s : sections) {
      int c = Checksums.of(buf, s.offset(), s.length());
      if (c != s.checksum()) {
        throw new ImageException(
            ImageException.CHECKSUM,
            at + s.describe() + ": checksum mismatch (stored " + Checksums.hex(s.checksum()) + ", computed "
                + Checksums.hex(c) + "); the section is corrupt, restore the image from a good copy");
      }
    }

    // ---- what the sections say
    ImageContents contents = ImageContents.parse(buf, sections, limits, at);

    // ---- compatibility: last, because it is about this host, not about the file's integrity
    if (expected != null) {
      try {
        contents.compatibility().requireCompatibleWith(expected);
      } catch (ImageException e) {
        throw new ImageException(e.code(), at + e.getMessage(), e);
      }
    }

    ImageHeader header =
        new ImageHeader(major, minor, (int) headerLength, (int) entryLength, flags, storedHeaderCrc, storedTableCrc);
    return new StackImage(buf, source, header, sections, contents, expected != null);
  }

  private static void checkEntry(
      String at, SectionEntry s, long fileLength, long tableEnd, int headerFlags, StackImage.Limits limits) {
    SectionType t = s.knownType();
    if (SectionType.retiredName(s.type()) != null) {
      throw new ImageException(
          ImageException.MALFORMED,
          at + s.describe() + " has a retired type: " + SectionType.retiredName(s.type()) + " was dropped in format 2.0"
              + " (channels travel as REGION_BYTES) and no 2.x image may hold it; the table is corrupt");
    }
    if (t == null && s.required()) {
      throw new ImageException(
          ImageException.INCOMPATIBLE,
          at + s.describe() + " has a type this reader does not know and is marked required;"
              + " was the image written by a newer version of b8g?");
    }
    if (s.offset() < 0 || s.length() < 0 || s.offset() > fileLength || s.length() > fileLength - s.offset()) {
      throw new ImageException(
          ImageException.BOUNDS,
          at + s.describe() + " spans [" + Long.toUnsignedString(s.offset()) + ", +"
              + Long.toUnsignedString(s.length()) + "), outside the file of " + fileLength
              + " bytes; the table is corrupt");
    }
    if (s.offset() < tableEnd) {
      throw new ImageException(
          ImageException.OVERLAP,
          at + s.describe() + " starts at " + s.offset() + ", inside the header or section table"
              + " (which end at " + tableEnd + "); the table is corrupt");
    }
    int alignment = alignmentOf(s.type());
    if (s.offset() % alignment != 0) {
      throw new ImageException(
          ImageException.ALIGNMENT,
          at + s.describe() + " starts at " + s.offset() + ", not a multiple of " + alignment
              + "; the table is corrupt");
    }
    if (t == null) {
      return;
    }
    long max =
        switch (t) {
          case REGION_BYTES -> limits.maxRegionBytes();
          case CONTEXT -> limits.maxContextBytes();
          case MANIFEST -> limits.maxManifestBytes();
          default -> Long.MAX_VALUE;
        };
    if (s.length() > max) {
      throw new ImageException(
          ImageException.TOO_LARGE,
          at + s.describe() + " is " + s.length() + " bytes, more than the limit of " + max
              + " bytes; raise the limit if the image is expected to be this large");
    }
    if (s.deflated()) {
      if (t != SectionType.CONTEXT) {
        throw new ImageException(
            ImageException.MALFORMED, at + s.describe() + " is marked deflated, which only CONTEXT sections may be; the table is corrupt");
      }
      if ((headerFlags & HEADER_FLAG_DEFLATED_SECTIONS) == 0) {
        throw new ImageException(
            ImageException.MALFORMED,
            at + s.describe() + " is marked deflated but the header does not announce deflated sections; the image is corrupt");
      }
    }
    if (t != SectionType.CONTEXT && t != SectionType.REGION_BYTES && s.id() != 0) {
      throw new ImageException(
          ImageException.MALFORMED, at + s.describe() + " has id " + Integer.toUnsignedString(s.id()) + ", expected 0");
    }
  }

  private static void requireZero(String at, ByteBuffer buf, long from, long to) {
    for (long p = from; p < to; p++) {
      if (buf.get((int) p) != 0) {
        throw new ImageException(
            ImageException.PADDING,
            at + "byte at offset " + p + " lies between sections and must be zero; the image is corrupt");
      }
    }
  }

  private static long u32(ByteBuffer buf, int offset) {
    return Integer.toUnsignedLong(buf.getInt(offset));
  }
}
