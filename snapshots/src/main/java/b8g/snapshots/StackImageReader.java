package b8g.snapshots;

import static b8g.snapshots.StackImageDescriptor.*;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.zip.CRC32C;

/**
 * Validates a whole image held in memory and builds the {@link StackImage}. The order of checks
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
    int headerCrc = headerChecksum(buf, (int) headerLength);
    if (storedHeaderCrc != headerCrc) {
      throw new ImageException(
          ImageException.CHECKSUM,
          at + "header checksum mismatch (stored " + hex(storedHeaderCrc) + ", computed "
              + hex(headerCrc) + "); the header is corrupt, restore the image from a good copy");
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
          at + "image needs features this reader does not know (header flags " + hex(unknownRequired)
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
    int tableCrc = crc(buf, headerLength, tableEnd - headerLength);
    if (storedTableCrc != tableCrc) {
      throw new ImageException(
          ImageException.CHECKSUM,
          at + "section table checksum mismatch (stored " + hex(storedTableCrc) + ", computed "
              + hex(tableCrc) + "); the table is corrupt, restore the image from a good copy");
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
      checkEntry(at, entry, fileLength, tableEnd, limits);
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
            at + describe(s) + " overlaps " + (previous == null ? "the section table" : describe(previous))
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
      int c = crc(buf, s.offset(), s.length());
      if (c != s.checksum()) {
        throw new ImageException(
            ImageException.CHECKSUM,
            at + describe(s) + ": checksum mismatch (stored " + hex(s.checksum()) + ", computed "
                + hex(c) + "); the section is corrupt, restore the image from a good copy");
      }
    }

    // ---- structure
    SectionEntry compatEntry = null;
    SectionEntry manifestEntry = null;
    SectionEntry regionsEntry = null;
    SectionEntry capsEntry = null;
    SectionEntry orderEntry = null;
    List<SectionEntry> contextList = new ArrayList<>();
    List<SectionEntry> regionBytesList = new ArrayList<>();
    for (SectionEntry s : sections) {
      SectionType t = s.knownType();
      if (t == null) {
        continue; // optional unknown section (a required one was rejected in checkEntry)
      }
      switch (t) {
        case COMPATIBILITY -> compatEntry = single(at, compatEntry, s);
        case MANIFEST -> manifestEntry = single(at, manifestEntry, s);
        case REGION_DESCRIPTORS -> regionsEntry = single(at, regionsEntry, s);
        case CAPABILITIES -> capsEntry = single(at, capsEntry, s);
        case COMPONENT_ORDER -> orderEntry = single(at, orderEntry, s);
        case CONTEXT -> contextList.add(s);
        case REGION_BYTES -> regionBytesList.add(s);
      }
    }
    if (compatEntry == null) {
      throw new ImageException(
          ImageException.MALFORMED, at + "image has no COMPATIBILITY section; it cannot be restored safely");
    }
    Compatibility compat = SectionCodec.decodeCompatibility(in(buf, compatEntry, limits, at));

    if (orderEntry == null) {
      throw new ImageException(
          ImageException.MALFORMED,
          at + "image has no COMPONENT_ORDER section, so its " + contextList.size()
              + " CONTEXT section(s) cannot be matched to components");
    }
    List<String> componentNames = SectionCodec.decodeComponentOrder(in(buf, orderEntry, limits, at));
    List<SectionEntry> contexts = byId(at, contextList, componentNames.size(), "component");
    List<RegionDescriptor> regions =
        regionsEntry == null ? List.of() : SectionCodec.decodeRegions(in(buf, regionsEntry, limits, at), limits);
    List<SectionEntry> regionSections = byId(at, regionBytesList, regions.size(), "region");
    for (int r = 0; r < regions.size(); r++) {
      if (regionSections.get(r).length() != regions.get(r).size()) {
        throw new ImageException(
            ImageException.MALFORMED,
            at + describe(regionSections.get(r)) + " holds " + regionSections.get(r).length()
                + " bytes but region " + regions.get(r).name() + " is " + regions.get(r).size()
                + " bytes");
      }
    }
    List<CapabilityEntry> caps =
        capsEntry == null
            ? List.of()
            : SectionCodec.decodeCapabilities(in(buf, capsEntry, limits, at), contexts.size());
    String manifest = "";
    if (manifestEntry != null) {
      manifest = SectionCodec.decodeUtf8(slice(buf, manifestEntry), at + describe(manifestEntry));
    }

    // ---- compatibility: last, because it is about this host, not about the file's integrity
    if (expected != null) {
      try {
        compat.requireCompatibleWith(expected);
      } catch (ImageException e) {
        throw new ImageException(e.code(), at + e.getMessage(), e);
      }
    }

    return new StackImage(
        buf, source, major, minor, (int) headerLength, (int) entryLength, flags, storedHeaderCrc,
        storedTableCrc, sections, compat, expected != null, manifest, contexts, regions,
        regionSections, caps, componentNames);
  }

  private static void checkEntry(String at, SectionEntry s, long fileLength, long tableEnd, StackImage.Limits limits) {
    SectionType t = s.knownType();
    if (SectionType.retiredName(s.type()) != null) {
      throw new ImageException(
          ImageException.MALFORMED,
          at + describe(s) + " has a retired type: " + SectionType.retiredName(s.type()) + " was dropped in format 2.0"
              + " (channels travel as REGION_BYTES) and no 2.x image may hold it; the table is corrupt");
    }
    if (t == null && s.required()) {
      throw new ImageException(
          ImageException.INCOMPATIBLE,
          at + describe(s) + " has a type this reader does not know and is marked required;"
              + " was the image written by a newer version of b8g?");
    }
    if (s.offset() < 0 || s.length() < 0 || s.offset() > fileLength || s.length() > fileLength - s.offset()) {
      throw new ImageException(
          ImageException.BOUNDS,
          at + describe(s) + " spans [" + Long.toUnsignedString(s.offset()) + ", +"
              + Long.toUnsignedString(s.length()) + "), outside the file of " + fileLength
              + " bytes; the table is corrupt");
    }
    if (s.offset() < tableEnd) {
      throw new ImageException(
          ImageException.OVERLAP,
          at + describe(s) + " starts at " + s.offset() + ", inside the header or section table"
              + " (which end at " + tableEnd + "); the table is corrupt");
    }
    int alignment = alignmentOf(s.type());
    if (s.offset() % alignment != 0) {
      throw new ImageException(
          ImageException.ALIGNMENT,
          at + describe(s) + " starts at " + s.offset() + ", not a multiple of " + alignment
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
          at + describe(s) + " is " + s.length() + " bytes, more than the limit of " + max
              + " bytes; raise the limit if the image is expected to be this large");
    }
    if (t != SectionType.CONTEXT && t != SectionType.REGION_BYTES && s.id() != 0) {
      throw new ImageException(
          ImageException.MALFORMED, at + describe(s) + " has id " + Integer.toUnsignedString(s.id()) + ", expected 0");
    }
  }

  private static SectionEntry single(String at, SectionEntry seen, SectionEntry s) {
    if (seen != null) {
      throw new ImageException(
          ImageException.MALFORMED,
          at + "image has two " + s.typeName() + " sections (" + seen.position() + " and "
              + s.position() + "); there must be at most one");
    }
    return s;
  }

  /** Orders sections by id and requires ids to be exactly 0..expected-1, each once. */
  private static List<SectionEntry> byId(String at, List<SectionEntry> list, int expected, String what) {
    if (list.size() != expected) {
      throw new ImageException(
          ImageException.MALFORMED,
          at + "image has " + list.size() + " " + (list.isEmpty() ? "" : list.get(0).typeName() + " ")
              + "section(s) for " + expected + " " + what + "(s)");
    }
    SectionEntry[] out = new SectionEntry[expected];
    for (SectionEntry s : list) {
      long id = Integer.toUnsignedLong(s.id());
      if (id >= expected || out[(int) id] != null) {
        throw new ImageException(
            ImageException.MALFORMED,
            at + describe(s) + " names " + what + " " + id + ", which is out of range or taken;"
                + " expected each of 0.." + (expected - 1) + " once");
      }
      out[(int) id] = s;
    }
    return List.of(out);
  }

  private static SectionCodec.In in(ByteBuffer buf, SectionEntry s, StackImage.Limits limits, String at) {
    return new SectionCodec.In(slice(buf, s), limits, at + describe(s));
  }

  private static ByteBuffer slice(ByteBuffer buf, SectionEntry s) {
    ByteBuffer d = buf.duplicate();
    d.position((int) s.offset()).limit((int) (s.offset() + s.length()));
    return d.slice().order(ByteOrder.LITTLE_ENDIAN);
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

  static String describe(SectionEntry s) {
    return "section " + s.position() + " (" + s.typeName() + ", id " + Integer.toUnsignedString(s.id()) + ")";
  }

  static int headerChecksum(ByteBuffer buf, int headerLength) {
    CRC32C crc = new CRC32C();
    update(crc, buf, 0, HEADER_CHECKSUM_OFFSET);
    crc.update(new byte[4]);
    update(crc, buf, HEADER_CHECKSUM_OFFSET + 4, headerLength - HEADER_CHECKSUM_OFFSET - 4);
    return (int) crc.getValue();
  }

  static int crc(ByteBuffer buf, long offset, long length) {
    CRC32C crc = new CRC32C();
    update(crc, buf, offset, length);
    return (int) crc.getValue();
  }

  private static void update(CRC32C crc, ByteBuffer buf, long offset, long length) {
    ByteBuffer d = buf.duplicate();
    d.position((int) offset).limit((int) (offset + length));
    crc.update(d);
  }

  private static long u32(ByteBuffer buf, int offset) {
    return Integer.toUnsignedLong(buf.getInt(offset));
  }

  static String hex(int v) {
    return String.format("0x%08x", v);
  }
}
