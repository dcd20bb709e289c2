package b8g.snapshots;

import static b8g.snapshots.StackImageDescriptor.*;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.zip.CRC32C;

/**
 * Builds a stack image from in-memory parts and writes it atomically.
 *
 * <p>Parts are collected first ({@code manifest}, {@code addContext}, {@code addRegion}, {@code
 * addCapability}); {@link #writeTo} then checks them against the same rules
 * and {@link StackImage.Limits} the reader applies (so it never writes an image the reader
 * rejects), asks each {@link Source} for its bytes, and writes: a temporary file in the target's
 * directory, sections first (checksummed as they are written), then the table and the header,
 * {@link FileChannel#force(boolean) force(true)}, an atomic rename over the target, and an fsync of
 * the directory where the platform allows one. If anything fails, the temporary file is deleted
 * and the target is untouched: a reader sees the old image or the new one, never a mix.
 *
 * <p>Not thread-safe; a writer is used by one thread and may write several times (sources are
 * asked again each time).
 */
public final class StackImageWriter {

  /**
   * Supplies a part's bytes when the image is written, so large parts (a live region) are read
   * late and never copied into the writer. The bytes from position to limit are written; the
   * buffer is not modified.
   */
  @FunctionalInterface
  public interface Source {
    ByteBuffer bytes() throws IOException;
  }

  /** A section to write; {@code expectedLength} is its length if known before it is asked (else -1). */
  private record Part(int type, int flags, int id, Source source, long expectedLength) {}

  /** The chunk in which bytes are copied, checksummed and written (see {@code Output.writePart}). */
  static final int BOUNCE_BYTES = 1 << 20;

  /** COMPATIBILITY, MANIFEST, COMPONENT_ORDER, REGION_RECORDS, CAPABILITIES. */
  private static final int FIXED_SECTIONS = 5;

  private final Compatibility compatibility;
  private final StackImage.Limits limits;
  private String manifest = "";
  private int deflateLevel;
  private final List<Source> contexts = new ArrayList<>();
  private final List<String> componentNames = new ArrayList<>();
  private final List<RegionRecord> regions = new ArrayList<>();
  private final List<Source> regionSources = new ArrayList<>();
  private final List<CapabilityEntry> capabilities = new ArrayList<>();
  private final List<Part> extra = new ArrayList<>();

  /** A writer for an image that needs {@code compatibility}, checked against the default limits. */
  public StackImageWriter(Compatibility compatibility) {
    this(compatibility, StackImage.Limits.DEFAULT);
  }

  public StackImageWriter(Compatibility compatibility, StackImage.Limits limits) {
    this.compatibility = Objects.requireNonNull(compatibility, "compatibility");
    this.limits = Objects.requireNonNull(limits, "limits");
  }

  /**
   * Stores every CONTEXT section deflated at {@code level} (1 fastest .. 9 smallest; 0, the
   * default, stores them as they are). An image with a deflated section needs a 2.1 reader.
   */
  public StackImageWriter deflateContexts(int level) {
    if (level < 0 || level > 9) {
      throw new IllegalArgumentException("deflate level must be in [0, 9], was " + level);
    }
    this.deflateLevel = level;
    return this;
  }

  /** Sets the manifest fragment (UTF-8 text); empty by default. */
  public StackImageWriter manifest(String text) {
    this.manifest = Objects.requireNonNull(text, "text");
    return this;
  }

  /**
   * Adds the V8 context blob of the component named {@code component}; returns its component
   * index (0, 1, ...), under which COMPONENT_ORDER records the name. The bytes from position to
   * limit are read at write time, not copied now.
   */
  public int addContext(String component, ByteBuffer blob) {
    ByteBuffer view = Objects.requireNonNull(blob, "blob").duplicate();
    return addContext(component, () -> view.duplicate());
  }

  /** As {@link #addContext(String, ByteBuffer)}, with the blob supplied at write time. */
  public int addContext(String component, Source blob) {
    Objects.requireNonNull(component, "component");
    contexts.add(Objects.requireNonNull(blob, "blob"));
    componentNames.add(component);
    return contexts.size() - 1;
  }

  /**
   * Adds a region; returns its index. {@code bytes} must hold exactly {@code descriptor.size()}
   * bytes when written; it is read at write time, not copied now.
   */
  public int addRegion(RegionRecord descriptor, ByteBuffer bytes) {
    ByteBuffer view = Objects.requireNonNull(bytes, "bytes").duplicate();
    return addRegion(descriptor, () -> view.duplicate());
  }

  /** As {@link #addRegion(RegionRecord, ByteBuffer)}, with the bytes supplied at write time. */
  public int addRegion(RegionRecord descriptor, Source bytes) {
    regions.add(Objects.requireNonNull(descriptor, "descriptor"));
    regionSources.add(Objects.requireNonNull(bytes, "bytes"));
    return regions.size() - 1;
  }

  public StackImageWriter addCapability(CapabilityEntry entry) {
    capabilities.add(Objects.requireNonNull(entry, "entry"));
    return this;
  }

  /** Adds a section of any type as is; for tests of forward compatibility. */
  StackImageWriter addRawSection(int type, int flags, int id, ByteBuffer bytes) {
    ByteBuffer copy = bytes.duplicate();
    extra.add(new Part(type, flags, id, () -> copy.duplicate(), -1));
    return this;
  }

  /**
   * Writes the image to {@code target} atomically, replacing any file there: {@link #open},
   * {@link Output#writeRegions}, {@link Output#commit}.
   *
   * @throws ImageException {@value ImageException#IO} if writing fails, or the code the reader
   *     would use if the parts break a rule or a limit; in both cases no file is left behind
   */
  public void writeTo(Path target) {
    try (Output out = open(target)) {
      out.writeRegions();
      out.commit();
    }
  }

  /**
   * Starts writing the image to {@code target} in two steps, so a caller can copy live memory into
   * the file while it is paused and take the rest afterwards: {@link Output#writeRegions} writes
   * every region's bytes now (and starts flushing them to disk on another thread), {@link
   * Output#commit} writes everything else and makes the image durable under its name. The
   * components and regions added so far fix the layout: adding either after this is refused at
   * commit; capabilities and the manifest may still change. Closing an output that was not
   * committed deletes its temporary file and leaves {@code target} untouched.
   *
   * @throws ImageException {@value ImageException#IO} if the temporary file cannot be created, or
   *     the reader's code if a region record breaks a rule or a limit
   */
  public Output open(Path target) {
    checkRegions();
    return new Output(target);
  }

  /**
   * An image being written: a temporary file beside the target. Not thread-safe; used by one
   * thread, like its writer. See {@link #open}.
   */
  public final class Output implements AutoCloseable {
    private final Path target;
    private final Path absolute;
    private final Path tmp;
    private final FileChannel ch;
    private final int contextCount = contexts.size();
    private final int regionCount = regions.size();
    private final int extraCount = extra.size();
    /** Table entries of the region sections, written by {@link #writeRegions}. */
    private final List<long[]> regionEntries = new ArrayList<>();
    /** Where the region sections start (page aligned after the table) and end. */
    private final long regionsStart;
    private long regionsEnd;
    /** The flush of the region bytes {@link #writeRegions} started, or null. */
    private BackgroundFlush flush;
    private boolean regionsWritten;
    private boolean done;
    /** Every section's bytes pass through here on their way to the file (see {@link #writePart}). */
    private final ByteBuffer bounce = ByteBuffer.allocateDirect(BOUNCE_BYTES);
    /** The inflated lengths of the context blobs written so far. */
    private long contextTotal;

    private Output(Path target) {
      this.target = target;
      this.absolute = target.toAbsolutePath();
      Path dir = absolute.getParent();
      int sections = FIXED_SECTIONS + contextCount + regionCount + extraCount;
      int max = Math.min(MAX_SECTIONS, limits.maxSections());
      if (sections > max) {
        throw new ImageException(
            ImageException.TOO_LARGE, "image would have " + sections + " sections, more than the limit of " + max);
      }
      this.regionsStart = align(HEADER_LENGTH + (long) sections * ENTRY_LENGTH, PAGE_ALIGNMENT);
      this.regionsEnd = regionsStart;
      try {
        tmp = Files.createTempFile(dir, "." + absolute.getFileName() + ".", ".tmp");
      } catch (IOException e) {
        throw new ImageException(
            ImageException.IO, target + ": cannot create a temporary file in " + dir + ": " + e.getMessage(), e);
      }
      try {
        ch = FileChannel.open(tmp, StandardOpenOption.WRITE);
      } catch (IOException e) {
        deleteTemp();
        throw new ImageException(ImageException.IO, target + ": cannot write stack image: " + e.getMessage(), e);
      }
    }

    /**
     * Asks every region's {@link Source} for its bytes now and writes them into the file, each
     * page aligned, checksummed as it is written; then starts flushing them to disk on another
     * thread, which {@link #commit} waits for. Each region goes from its memory to the file through
     * one reused 1 MiB direct buffer (copied, checksummed, written chunk by chunk), never through
     * a copy on the Java heap.
     *
     * @throws ImageException as {@link #writeTo}; the output is then unusable (close it)
     */
    public void writeRegions() {
      requireOpen();
      if (regionsWritten) {
        throw new IllegalStateException("regions were written already");
      }
      regionsWritten = true;
      try {
        long cursor = regionsStart;
        for (int i = 0; i < regionCount; i++) {
          stopIfInterrupted();
          Part p = new Part(SectionType.REGION_BYTES.code(), SECTION_FLAG_REQUIRED, i, regionSources.get(i), regions.get(i).size());
          long offset = align(cursor, PAGE_ALIGNMENT);
          long[] entry = writePart(p, offset);
          regionEntries.add(entry);
          cursor = offset + entry[1];
        }
        regionsEnd = cursor;
      } catch (IOException e) {
        fail(e);
      } catch (InternalError fault) {
        close();
        throw regionFault(fault);
      } catch (RuntimeException e) {
        close();
        throw e;
      }
      if (regionCount > 0) {
        // The bulk of a large image: its way to the disk overlaps whatever the caller does next.
        flush = BackgroundFlush.start(ch);
      }
    }

    /**
     * Writes the sections not written yet (small ones in the gap between the table and the first
     * region when they fit, the rest after the last region), the table and the header, then
     * {@link FileChannel#force(boolean) force(true)}, an atomic rename over the target, and an
     * fsync of the directory where the platform allows one.
     *
     * @throws ImageException as {@link #writeTo}; no file is left behind
     */
    public void commit() {
      requireOpen();
      if (!regionsWritten) {
        writeRegions();
      }
      try {
        if (contexts.size() != contextCount || regions.size() != regionCount || extra.size() != extraCount) {
          throw new IllegalStateException("components, regions or sections were added after the image was opened");
        }
        List<Part> parts = plan();
        writeRest(parts);
        if (flush != null) {
          flush.await(); // an interrupt ends the wait: the commit fails, close() leaves the flush to end
        }
        stopIfInterrupted(); // the last moment a stop leaves nothing behind
        ch.force(true);
        ch.close();
        Files.move(tmp, absolute, StandardCopyOption.ATOMIC_MOVE);
        done = true;
        syncDirectory(absolute.getParent());
      } catch (AtomicMoveNotSupportedException e) {
        close();
        throw new ImageException(
            ImageException.IO, target + ": the file system cannot rename atomically; write the image elsewhere", e);
      } catch (IOException e) {
        fail(e);
      } catch (InternalError fault) {
        // A fault reading a region cut short under writeRegions may be raised only now (from
        // compiled code the JVM raises it at a later point); before the rename, nothing is kept.
        close();
        throw regionFault(fault);
      } catch (RuntimeException e) {
        close();
        throw e;
      }
    }

    /** A fault reading a region's memory (a file cut short under its mapping), as image IO. */
    private ImageException regionFault(InternalError fault) {
      return new ImageException(ImageException.IO,
          target + ": a region's memory could not be read (a shared-memory file cut short by another process?)", fault);
    }

    /**
     * Deletes the temporary file unless the image was committed. Idempotent. Does not wait for the
     * flush {@link #writeRegions} started ({@link BackgroundFlush#abandon}): the file's name goes
     * at once, and the channel is closed when the flush ends.
     */
    @Override
    public void close() {
      if (done) {
        return;
      }
      done = true;
      if (flush != null) {
        flush.abandon();
      } else {
        BackgroundFlush.closeQuietly(ch);
      }
      deleteTemp();
    }

    /** Throws (into {@link #fail}) when the writing thread has been interrupted. */
    private void stopIfInterrupted() throws java.io.InterruptedIOException {
      if (Thread.currentThread().isInterrupted()) {
        throw new java.io.InterruptedIOException("interrupted");
      }
    }

    private void requireOpen() {
      if (done) {
        throw new IllegalStateException("this image output is committed or closed");
      }
    }

    private void fail(IOException e) {
      close();
      // A stop interrupts the writing thread: its next file operation throws (and the JDK closes the
      // channel), or stopIfInterrupted does between sections. The interrupt status stays set.
      if (e instanceof java.nio.channels.ClosedByInterruptException || e instanceof java.io.InterruptedIOException
          || Thread.currentThread().isInterrupted()) {
        throw new ImageException(ImageException.INTERRUPTED,
            target + ": interrupted while writing the stack image; nothing was written (" + target + " is as it was)", e);
      }
      throw new ImageException(ImageException.IO, target + ": cannot write stack image: " + e.getMessage(), e);
    }

    private void deleteTemp() {
      try {
        Files.deleteIfExists(tmp);
      } catch (IOException ignored) {
        // The original failure is what the caller needs to see; a stray temp file is
        // recognisable by its leading dot and .tmp suffix.
      }
    }

    /**
     * Writes {@code p} at {@code offset} after checking it; returns {offset, length, crc, flags}
     * (a context meant to be deflated is stored as is when deflating does not make it smaller, so
     * its flags lose {@link StackImageDescriptor#SECTION_FLAG_DEFLATED}).
     *
     * <p>The bytes go through {@link #bounce} one chunk at a time: a chunk is copied out of the
     * source, its checksum taken on the copy, and that same copy written. The source may be live
     * memory another process or thread still writes (a shared-memory file, a channel end held by
     * Java); the checksum then always matches the bytes in the file, and a source cut short under
     * the writer (a shared-memory file truncated by another process) raises an error from the copy
     * instead of a fault inside a checksum intrinsic.
     */
    private long[] writePart(Part p, long offset) throws IOException {
      ByteBuffer bytes = Objects.requireNonNull(p.source().bytes(), "a Source returned null").duplicate();
      long length = bytes.remaining();
      int flags = p.flags();
      String what = target + ": " + new SectionEntry(0, p.type(), flags, 0, 0, 0, p.id()).typeName() + " " + p.id();
      if (p.expectedLength() >= 0 && length != p.expectedLength()) {
        throw new ImageException(
            ImageException.MALFORMED,
            what + ": region bytes are " + length + " bytes but its descriptor says " + p.expectedLength());
      }
      if (p.type() == SectionType.CONTEXT.code()) {
        if (length > limits.maxContextBytes()) {
          throw new ImageException(
              ImageException.TOO_LARGE,
              what + ": context blob is " + length + " bytes, more than the limit of " + limits.maxContextBytes());
        }
        contextTotal += length;
        if (contextTotal > limits.maxTotalContextBytes()) {
          throw new ImageException(
              ImageException.TOO_LARGE,
              what + ": the context blobs come to " + contextTotal + " bytes, more than the limit of "
                  + limits.maxTotalContextBytes() + " for all of them");
        }
      }
      if ((flags & SECTION_FLAG_DEFLATED) != 0) {
        byte[] encoded = DeflatedSection.encode(bytes, deflateLevel);
        if (encoded.length < length) {
          bytes = ByteBuffer.wrap(encoded);
          length = encoded.length;
        } else {
          flags &= ~SECTION_FLAG_DEFLATED; // incompressible: stored as is, within the limit checked above
        }
      }
      if (p.type() == SectionType.CONTEXT.code() && length > limits.maxContextBytes()) {
        // The reader checks the stored length too; unreachable while stored <= inflated, kept as the rule.
        throw new ImageException(
            ImageException.TOO_LARGE,
            what + ": stored context is " + length + " bytes, more than the limit of " + limits.maxContextBytes());
      }
      if (offset + length > limits.maxImageBytes()) {
        throw new ImageException(
            ImageException.TOO_LARGE,
            what + ": the image would exceed the limit of " + limits.maxImageBytes() + " bytes");
      }
      CRC32C crc = new CRC32C();
      long position = offset;
      try {
        while (bytes.hasRemaining()) {
          int n = Math.min(bytes.remaining(), bounce.capacity());
          bounce.clear();
          bounce.put(bytes.slice(bytes.position(), n)).flip();
          bytes.position(bytes.position() + n);
          crc.update(bounce);
          bounce.rewind();
          writeFully(ch, bounce, position);
          position += n;
        }
        return new long[] {offset, length, crc.getValue(), flags};
      } catch (InternalError fault) {
        // The JVM's answer to a fault in a bulk copy out of a mapping cut short under it (from
        // compiled code it may arrive a little later, hence the return inside the try and the
        // catch in writeRegions too).
        throw new ImageException(
            ImageException.IO,
            what + ": its memory could not be read at byte " + (position - offset)
                + " (a shared-memory file cut short by another process?)",
            fault);
      }
    }

    private void writeRest(List<Part> parts) throws IOException {
      int count = parts.size();
      long tableEnd = HEADER_LENGTH + (long) count * ENTRY_LENGTH;
      if (align(tableEnd, PAGE_ALIGNMENT) != regionsStart) {
        throw new IllegalStateException("the section count changed after the image was opened");
      }
      ByteBuffer table = ByteBuffer.allocate((int) (tableEnd - HEADER_LENGTH)).order(ByteOrder.LITTLE_ENDIAN);
      long gap = tableEnd;
      long cursor = regionCount == 0 ? tableEnd : regionsEnd;
      int region = 0;
      boolean deflated = false;
      for (Part p : parts) {
        stopIfInterrupted();
        long[] e;
        if (p.type() == SectionType.REGION_BYTES.code()) {
          e = regionEntries.get(region++);
        } else {
          // Small sections fill the gap before the first region; what does not fit goes last.
          long length = p.expectedLength();
          long inGap = align(gap, SECTION_ALIGNMENT);
          if (regionCount > 0 && length >= 0 && inGap + length <= regionsStart) {
            e = writePart(p, inGap);
            gap = inGap + e[1];
          } else {
            e = writePart(p, align(cursor, SECTION_ALIGNMENT));
            cursor = Math.max(cursor, e[0] + e[1]);
          }
        }
        table.putInt(p.type()).putInt((int) e[3]).putLong(e[0]).putLong(e[1]).putInt((int) e[2]).putInt(p.id());
        deflated |= (e[3] & SECTION_FLAG_DEFLATED) != 0;
      }
      long fileLength = regionCount == 0 ? cursor : Math.max(cursor, regionsEnd);
      if (ch.size() < fileLength) {
        // Trailing empty sections sit past the last byte written; give the file its full length.
        writeFully(ch, ByteBuffer.allocate((int) (fileLength - ch.size())), ch.size());
      }
      table.flip();
      int tableCrc = Checksums.of(table, 0, table.remaining());

      ByteBuffer header = ByteBuffer.allocate(HEADER_LENGTH).order(ByteOrder.LITTLE_ENDIAN);
      header.put(MAGIC);
      header.putShort(MAJOR_OFFSET, (short) FORMAT_MAJOR);
      header.putShort(MINOR_OFFSET, (short) FORMAT_MINOR);
      header.putInt(HEADER_LENGTH_OFFSET, HEADER_LENGTH);
      header.putInt(SECTION_COUNT_OFFSET, count);
      header.putInt(ENTRY_LENGTH_OFFSET, ENTRY_LENGTH);
      header.putInt(FLAGS_OFFSET, deflated ? HEADER_FLAG_DEFLATED_SECTIONS : 0);
      header.putLong(FILE_LENGTH_OFFSET, fileLength);
      header.putInt(TABLE_CHECKSUM_OFFSET, tableCrc);
      header.putInt(HEADER_CHECKSUM_OFFSET, Checksums.header(header, HEADER_LENGTH));
      header.clear();
      writeFully(ch, table, HEADER_LENGTH);
      writeFully(ch, header, 0);
    }
  }

  /** Validates every part and fixes the order of sections. */
  private List<Part> plan() {
    List<Part> parts = new ArrayList<>();
    int required = SECTION_FLAG_REQUIRED;
    parts.add(fixed(SectionType.COMPATIBILITY, SectionCodec.encodeCompatibility(compatibility, limits)));

    byte[] manifestBytes = SectionOut.utf8("manifest", manifest);
    if (manifestBytes.length > limits.maxManifestBytes()) {
      throw new ImageException(
          ImageException.TOO_LARGE,
          "manifest is " + manifestBytes.length + " bytes, more than the limit of " + limits.maxManifestBytes());
    }
    parts.add(fixed(SectionType.MANIFEST, manifestBytes));

    requireCount("components", componentNames.size());
    Set<String> componentSeen = new HashSet<>();
    for (int i = 0; i < componentNames.size(); i++) {
      SectionCodec.checkComponentName(i, componentNames.get(i), componentSeen, StackImageWriter::malformed);
    }
    parts.add(fixed(SectionType.COMPONENT_ORDER, SectionCodec.encodeComponentOrder(componentNames, limits)));

    checkRegions();
    parts.add(fixed(SectionType.REGION_RECORDS, SectionCodec.encodeRegions(regions, limits)));

    requireCount("capabilities", capabilities.size());
    Set<String> seen = new HashSet<>();
    for (int i = 0; i < capabilities.size(); i++) {
      CapabilityEntry c = capabilities.get(i);
      SectionCodec.checkCapability(
          i, c.component(), c.envName(), c.kind(), contexts.size(), seen, StackImageWriter::malformed);
    }
    parts.add(fixed(SectionType.CAPABILITIES, SectionCodec.encodeCapabilities(capabilities, limits)));

    for (int i = 0; i < contexts.size(); i++) {
      int flags = required | (deflateLevel > 0 ? SECTION_FLAG_DEFLATED : 0);
      parts.add(new Part(SectionType.CONTEXT.code(), flags, i, contexts.get(i), -1));
    }
    for (int i = 0; i < regions.size(); i++) {
      parts.add(new Part(SectionType.REGION_BYTES.code(), required, i, regionSources.get(i), regions.get(i).size()));
    }
    parts.addAll(extra);
    int max = Math.min(MAX_SECTIONS, limits.maxSections());
    if (parts.size() > max) {
      throw new ImageException(
          ImageException.TOO_LARGE, "image would have " + parts.size() + " sections, more than the limit of " + max);
    }
    return parts;
  }

  /** The region records by the reader's rules (before any region bytes are written). */
  private void checkRegions() {
    requireCount("regions", regions.size());
    Set<String> names = new HashSet<>();
    for (int i = 0; i < regions.size(); i++) {
      RegionRecord r = regions.get(i);
      SectionCodec.checkRegion(
          i, r.name(), r.size(), r.backing().code(), Integer.toUnsignedLong(r.rights()), limits, names, StackImageWriter::malformed);
    }
  }

  private static void writeFully(FileChannel ch, ByteBuffer b, long position) throws IOException {
    long p = position;
    while (b.hasRemaining()) {
      p += ch.write(b, p);
    }
  }

  private static void syncDirectory(Path dir) {
    // Makes the rename itself durable. Some platforms (Windows) cannot open a directory; the
    // image is complete either way, only its name may be lost in a crash right now.
    try (FileChannel d = FileChannel.open(dir, StandardOpenOption.READ)) {
      d.force(true);
    } catch (IOException | UnsupportedOperationException ignored) {
      // best effort, see above
    }
  }

  private Part fixed(SectionType type, byte[] bytes) {
    ByteBuffer b = ByteBuffer.wrap(bytes);
    return new Part(type.code(), SECTION_FLAG_REQUIRED, 0, () -> b.duplicate(), bytes.length);
  }

  private void requireCount(String what, int n) {
    if (n > limits.maxEntries()) {
      throw new ImageException(
          ImageException.TOO_LARGE, "image would have " + n + " " + what + ", more than the limit of " + limits.maxEntries());
    }
  }

  private static ImageException malformed(String message) {
    return new ImageException(ImageException.MALFORMED, "cannot write stack image: " + message);
  }
}
