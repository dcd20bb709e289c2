package b8g.snapshots;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;

/**
 * A validated stack image: the public way to obtain one and to read it. The static {@code
 * open}/{@code read} methods check the whole image (header, table, bounds, overlaps, padding,
 * every checksum, the structure of every small section, limits, and, unless opened for
 * inspection, compatibility with this host) before they return; an image that fails any check is
 * never returned, only an {@link ImageException}.
 *
 * <p>A file is mapped read-only and verified in place; bytes held in memory are copied first.
 * What V8 is given ({@link #contextBytes}) is copied out and verified again on the copy, so it is
 * exactly what was checked even if the file is rewritten in place ({@link ImageBytes} says what a
 * rewrite can and cannot reach).
 *
 * <p>Instances are immutable and thread-safe. Byte accessors return read-only views or private
 * copies. Nothing needs closing: an image opened from a file holds its read-only mapping until the
 * image (and every view it handed out) is garbage collected, as the JDK unmaps only then; the file
 * may be deleted or renamed over meanwhile, but its disk space is freed only once unmapped.
 */
public final class StackImage {

  /**
   * Bounds the reader enforces (the writer applies the same ones). Every field is checked against
   * a hard cap the format or the JVM imposes.
   *
   * @param maxImageBytes largest file accepted (at most {@link #HARD_MAX_IMAGE_BYTES})
   * @param maxRegionBytes largest region (channel rings are regions too)
   * @param maxContextBytes largest V8 context blob (inflated, and as stored)
   * @param maxManifestBytes largest manifest text
   * @param maxSections most sections (at most {@link StackImageDescriptor#MAX_SECTIONS})
   * @param maxStringBytes longest string in a structured section
   * @param maxEntries most entries in any table inside a section
   * @param maxTotalContextBytes most bytes all V8 context blobs of one image come to, inflated (a
   *     restore holds them all at once; checked on the declared lengths before any is inflated)
   */
  public record Limits(
      long maxImageBytes,
      long maxRegionBytes,
      long maxContextBytes,
      long maxManifestBytes,
      int maxSections,
      int maxStringBytes,
      int maxEntries,
      long maxTotalContextBytes) {

    /** The largest page multiple a single Java buffer can hold. */
    public static final long HARD_MAX_IMAGE_BYTES = 0x7FFF_F000L;

    /** Regions up to 1 GiB, blobs up to 256 MiB each and 512 MiB together, manifest 16 MiB, strings 64 KiB. */
    public static final Limits DEFAULT =
        new Limits(HARD_MAX_IMAGE_BYTES, 1L << 30, 256L << 20, 16L << 20, 4096, 64 * 1024, 1 << 20, 512L << 20);

    public Limits {
      if (maxImageBytes < StackImageDescriptor.HEADER_LENGTH || maxImageBytes > HARD_MAX_IMAGE_BYTES) {
        throw new IllegalArgumentException(
            "maxImageBytes must be in [64, " + HARD_MAX_IMAGE_BYTES + "], was " + maxImageBytes);
      }
      if (maxRegionBytes < 0 || maxContextBytes < 0 || maxManifestBytes < 0 || maxTotalContextBytes < 0) {
        throw new IllegalArgumentException("byte limits must be >= 0");
      }
      if (maxSections < 1 || maxSections > StackImageDescriptor.MAX_SECTIONS) {
        throw new IllegalArgumentException(
            "maxSections must be in [1, " + StackImageDescriptor.MAX_SECTIONS + "], was " + maxSections);
      }
      if (maxStringBytes < 0 || maxEntries < 0) {
        throw new IllegalArgumentException("maxStringBytes and maxEntries must be >= 0");
      }
    }

    public Limits withMaxImageBytes(long v) {
      return new Limits(v, maxRegionBytes, maxContextBytes, maxManifestBytes, maxSections, maxStringBytes, maxEntries, maxTotalContextBytes);
    }

    public Limits withMaxRegionBytes(long v) {
      return new Limits(maxImageBytes, v, maxContextBytes, maxManifestBytes, maxSections, maxStringBytes, maxEntries, maxTotalContextBytes);
    }

    public Limits withMaxContextBytes(long v) {
      return new Limits(maxImageBytes, maxRegionBytes, v, maxManifestBytes, maxSections, maxStringBytes, maxEntries, maxTotalContextBytes);
    }

    public Limits withMaxTotalContextBytes(long v) {
      return new Limits(maxImageBytes, maxRegionBytes, maxContextBytes, maxManifestBytes, maxSections, maxStringBytes, maxEntries, v);
    }
  }

  private final ByteBuffer file;
  private final String source;
  private final ImageHeader header;
  private final List<SectionEntry> sections;
  private final ImageContents contents;
  private final boolean compatibilityChecked;

  /** Only {@link StackImageReader} makes one, from bytes it has verified completely. */
  StackImage(
      ByteBuffer file,
      String source,
      ImageHeader header,
      List<SectionEntry> sections,
      ImageContents contents,
      boolean compatibilityChecked) {
    this.file = file.asReadOnlyBuffer().order(ByteOrder.LITTLE_ENDIAN);
    this.source = source;
    this.header = header;
    this.sections = List.copyOf(sections);
    this.contents = contents;
    this.compatibilityChecked = compatibilityChecked;
  }

  // ---------------------------------------------------------------- opening

  /**
   * Reads and validates the image at {@code path} with the default limits and checks it against
   * the host's {@code expected} compatibility. Only an image opened this way (or with {@link
   * #read}) hands out V8 context blobs.
   *
   * @throws ImageException if the file cannot be read, is corrupt, exceeds the limits or was
   *     taken with another V8/Javet/ABI version, OS, architecture or V8 flags
   */
  public static StackImage open(Path path, Compatibility expected) {
    return open(path, expected, Limits.DEFAULT);
  }

  /** As {@link #open(Path, Compatibility)} with the given limits. */
  public static StackImage open(Path path, Compatibility expected, Limits limits) {
    Objects.requireNonNull(expected, "expected");
    return validateMapped(path, expected, limits);
  }

  private static StackImage validateMapped(Path path, Compatibility expected, Limits limits) {
    try {
      return StackImageReader.validate(ImageBytes.map(path, limits), path.toString(), expected, limits);
    } catch (InternalError e) {
      throw ImageBytes.truncatedWhileRead(path.toString(), e);
    }
  }

  /**
   * Reads and validates everything except compatibility, for {@code b8g image inspect}. The
   * result describes the image but refuses to hand out context blobs ({@value
   * ImageException#UNCHECKED}).
   */
  public static StackImage openForInspection(Path path, Limits limits) {
    return validateMapped(path, null, limits);
  }

  /**
   * Validates an image held in memory (the bytes from {@code image}'s position to its limit),
   * checking compatibility against {@code expected}. The bytes are copied first, so later changes
   * to {@code image} do not reach the result.
   */
  public static StackImage read(ByteBuffer image, Compatibility expected, Limits limits) {
    Objects.requireNonNull(expected, "expected");
    return StackImageReader.validate(ImageBytes.copy(image, limits), "<memory>", expected, limits);
  }

  /** As {@link #read} without the compatibility check; see {@link #openForInspection}. */
  public static StackImage readForInspection(ByteBuffer image, Limits limits) {
    return StackImageReader.validate(ImageBytes.copy(image, limits), "<memory>", null, limits);
  }

  // ---------------------------------------------------------------- accessors

  /** Where the image was read from (a path, or {@code <memory>}). */
  public String source() {
    return source;
  }

  public int formatMajor() {
    return header.major();
  }

  public int formatMinor() {
    return header.minor();
  }

  public int headerLength() {
    return header.headerLength();
  }

  public int entryLength() {
    return header.entryLength();
  }

  public int flags() {
    return header.flags();
  }

  public int headerChecksum() {
    return header.headerChecksum();
  }

  public int tableChecksum() {
    return header.tableChecksum();
  }

  public long fileLength() {
    return file.capacity();
  }

  /** Every section table row, in table order, including optional sections of unknown types. */
  public List<SectionEntry> sections() {
    return sections;
  }

  /**
   * The bytes of the section at table {@code position}, read-only, without parsing any other.
   * CONTEXT sections are refused on an image opened for inspection.
   */
  public ByteBuffer sectionBytes(int position) {
    Objects.checkIndex(position, sections.size());
    SectionEntry e = sections.get(position);
    if (e.knownType() == SectionType.CONTEXT) {
      requireChecked();
    }
    return slice(e);
  }

  public Compatibility compatibility() {
    return contents.compatibility();
  }

  /** True if the image was checked against the host's compatibility record when opened. */
  public boolean compatibilityChecked() {
    return compatibilityChecked;
  }

  /** The manifest fragment, or the empty string if the image has none. */
  public String manifest() {
    return contents.manifest();
  }

  /** Number of components, i.e. of CONTEXT sections (ids 0..n-1). */
  public int componentCount() {
    return contents.contexts().size();
  }

  /**
   * The V8 context blob of component {@code component}, read-only: a private, verified copy as
   * {@link #contextBytes} makes (each call makes a new one). Refused ({@value
   * ImageException#UNCHECKED}) if the image was opened for inspection.
   */
  public ByteBuffer contextBlob(int component) {
    return ByteBuffer.wrap(contextBytes(component)).asReadOnlyBuffer();
  }

  /**
   * A private copy of the V8 context blob of component {@code component}, its checksum verified
   * again on the copy and, if it was stored deflated, inflated from that copy now (to the length
   * checked when the image was opened): these are the bytes to give V8, equal to what was checked
   * when the image was opened even if the file was rewritten in place since. Refused ({@value
   * ImageException#UNCHECKED}) if the image was opened for inspection.
   *
   * @throws ImageException {@value ImageException#CHECKSUM} if the file changed since it was
   *     checked, {@value ImageException#TRUNCATED} if it was cut short, {@value
   *     ImageException#MALFORMED} if a deflated blob does not inflate to exactly its declared length
   */
  public byte[] contextBytes(int component) {
    requireChecked();
    Objects.checkIndex(component, contents.contexts().size());
    SectionEntry s = contents.contexts().get(component);
    byte[] copy;
    try {
      copy = ImageContents.verifiedCopy(file, s, source + ": ");
    } catch (InternalError fault) {
      throw ImageBytes.truncatedWhileRead(source, fault);
    }
    if (!s.deflated()) {
      return copy;
    }
    // Bounded by the length checked at open, so a rewrite in place cannot raise it.
    return DeflatedSection.decode(copy, contents.contextLengths()[component], source + ": " + s.describe());
  }

  /** The length of the V8 context blob of component {@code component}, inflated; nothing is read. */
  public long contextLength(int component) {
    Objects.checkIndex(component, contents.contexts().size());
    return contents.contextLengths()[component];
  }

  public List<RegionRecord> regions() {
    return contents.regions();
  }

  /**
   * The saved bytes of region {@code region} (index into {@link #regions()}), read-only: for an
   * image opened from a file, a view of its mapping, not a copy. Reading it after the file was cut
   * short in place raises {@link InternalError} (the JVM's answer to a fault in a mapping), which
   * {@link Snapshots#restore} turns into {@value ImageException#TRUNCATED}.
   */
  public ByteBuffer regionBytes(int region) {
    Objects.checkIndex(region, contents.regionSections().size());
    return slice(contents.regionSections().get(region));
  }

  public List<CapabilityEntry> capabilities() {
    return contents.capabilities();
  }

  /** The component names from COMPONENT_ORDER: the i-th is the component of {@link #contextBlob}(i). */
  public List<String> componentNames() {
    return contents.componentNames();
  }

  private ByteBuffer slice(SectionEntry e) {
    return ImageContents.slice(file, e);
  }

  private void requireChecked() {
    if (!compatibilityChecked) {
      throw new ImageException(
          ImageException.UNCHECKED,
          source + ": opened for inspection without a compatibility check, so its V8 context"
              + " blobs are withheld; open it with StackImage.open(path, expected) to restore it");
    }
  }

  @Override
  public String toString() {
    return "StackImage[" + source + ", " + header.major() + "." + header.minor() + ", "
        + sections.size() + " sections, " + fileLength() + " bytes]";
  }
}
