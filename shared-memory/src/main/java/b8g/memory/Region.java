package b8g.memory;

import b8g.errors.B8gException;
import b8g.errors.B8gException.Category;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import net.openhft.chronicle.bytes.BytesStore;
import net.openhft.chronicle.core.io.BackgroundResourceReleaser;

/**
 * A fixed block of off-heap memory: anonymous (private to this process) or a file, normally under
 * {@code /dev/shm}, that other processes can map too.
 *
 * <p>The memory is seen three ways, all over the same bytes: {@link #byteBuffer()} (a direct,
 * writable, little-endian {@link ByteBuffer}; what the component layer wraps zero-copy into a V8
 * {@code ArrayBuffer}), {@link #bytesStore()} (Chronicle Bytes, for the ring and other platform
 * code), and the bounds-checked accessors on this class.
 *
 * <p>Ownership: the region owns its memory. {@link #close()} releases it at once (free or unmap, not
 * at the next GC) and deletes a non-persistent file. Every view handed out before must be out of
 * use by then: a Java access through a stale {@code ByteBuffer}, or a JS view that was not detached
 * first, touches released memory and may crash the process. The region's own accessors fail with
 * {@code region.closed} after close.
 *
 * <p>Thread safety: accessors may be called from any thread; ordering between threads is what the
 * ordered/volatile accessors say. {@code close()} is idempotent and may race with itself.
 */
public final class Region implements AutoCloseable {
  /**
   * Largest region: 1 GiB of data plus the 512-byte ring trailer, so that a ring of the largest
   * capacity ({@link RingDescriptor#MAX_CAPACITY}) fits in one region.
   */
  public static final long MAX_SIZE = (1L << 30) + RingDescriptor.TRAILER_LENGTH;

  private final String name;
  private final long size;
  private final ByteBuffer buffer;
  private final BytesStore<?, ?> store;
  private final Path file;
  private final boolean persistent;
  private final AtomicBoolean closed = new AtomicBoolean();

  private Region(String name, ByteBuffer buffer, Path file, boolean persistent) {
    this.name = name;
    this.size = buffer.capacity();
    this.buffer = buffer;
    // Chronicle owns the release from here: releaseLast() runs the JDK cleaner of the direct or
    // mapped buffer (free / munmap) instead of waiting for the GC.
    this.store = BytesStore.wrap(buffer);
    this.file = file;
    this.persistent = persistent;
  }

  /**
   * A zero-filled block of {@code size} bytes private to this process.
   *
   * @throws B8gException {@code region.size} if size is not 1 .. {@link #MAX_SIZE}, {@code
   *     region.no_memory} if the JVM's direct memory limit is reached
   */
  public static Region anonymous(String name, long size) {
    checkSize(name, size);
    ByteBuffer buffer;
    try {
      buffer = ByteBuffer.allocateDirect((int) size);
    } catch (OutOfMemoryError e) {
      throw new B8gException(
          Category.MEMORY,
          "region.no_memory",
          "region '" + name + "': cannot allocate " + size
              + " bytes of direct memory; raise -XX:MaxDirectMemorySize or close other regions",
          e);
    }
    return new Region(name, buffer, null, true);
  }

  /**
   * Maps the file {@code file} as a shared region of {@code size} bytes, creating it (zero-filled) if
   * it does not exist or is empty. An existing file must hold exactly {@code size} bytes: the size
   * is part of what the creator and the other users agree on.
   *
   * @param persistent keep the file when this region is closed; otherwise {@link #close()} deletes
   *     it (other mappings stay valid until they are closed, as usual for unlinked files)
   * @throws B8gException {@code region.size} for a size out of range, {@code region.size_mismatch}
   *     if the existing file has another size, {@code region.io} if the file cannot be opened
   */
  public static Region shmFile(String name, Path file, long size, boolean persistent) {
    checkSize(name, size);
    // Never through a link (another user may plant one in /dev/shm, which all may write), and
    // readable by this user only when created here; a file of another user is refused.
    try (FileChannel channel = FileChannel.open(file, OPEN_SHARED, OWNER_ONLY)) {
      String owner = Files.getOwner(file, LinkOption.NOFOLLOW_LINKS).getName();
      String me = System.getProperty("user.name");
      if (!owner.equals(me)) {
        throw new B8gException(Category.MEMORY, "region.io",
            "region '" + name + "': file " + file + " belongs to " + owner + ", not " + me + "; it is not mapped");
      }
      long existing = channel.size();
      if (existing == 0) {
        // Writing the last byte extends the file; on tmpfs the pages stay unallocated until used.
        channel.write(ByteBuffer.allocate(1), size - 1);
      } else if (existing != size) {
        throw new B8gException(
            Category.MEMORY,
            "region.size_mismatch",
            "region '" + name + "': file " + file + " holds " + existing + " bytes but " + size
                + " were asked for; open it with its real size or remove the stale file");
      }
      // The mapping stays valid after the channel is closed.
      MappedByteBuffer mapped = channel.map(FileChannel.MapMode.READ_WRITE, 0, size);
      return new Region(name, mapped, file, persistent);
    } catch (IOException e) {
      throw new B8gException(
          Category.MEMORY,
          "region.io",
          "region '" + name + "': cannot map " + file + ": " + e.getMessage(),
          e);
    }
  }

  private static final Set<OpenOption> OPEN_SHARED = Set.of(
      StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE, LinkOption.NOFOLLOW_LINKS);
  private static final FileAttribute<Set<PosixFilePermission>> OWNER_ONLY =
      PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------"));

  private static void checkSize(String name, long size) {
    if (size < 1 || size > MAX_SIZE) {
      throw MemoryErrors.regionSize(name, size, MAX_SIZE);
    }
  }

  /** The name given at creation, for messages and logs. */
  public String name() {
    return name;
  }

  /** Size in bytes, fixed for the region's life. */
  public long size() {
    return size;
  }

  /** The backing file, or null for an anonymous region. */
  public Path file() {
    return file;
  }

  public boolean isClosed() {
    return closed.get();
  }

  /**
   * A new direct, writable, little-endian view of the whole region (position 0, limit {@link
   * #size()}); for a file region it is a {@link MappedByteBuffer}. Views share the memory and must
   * not be used after {@link #close()}.
   */
  public ByteBuffer byteBuffer() {
    checkOpen();
    return buffer.duplicate().order(ByteOrder.LITTLE_ENDIAN);
  }

  /**
   * The Chronicle view of the region (offset 0 .. size). Platform code only: Chronicle's plain
   * accessors on native memory do not check bounds, so callers validate offsets themselves (the
   * ring does). After close, accesses fail with Chronicle's {@code ClosedIllegalStateException}.
   */
  public BytesStore<?, ?> bytesStore() {
    checkOpen();
    return store;
  }

  /** Volatile (sequentially consistent) read of the int at {@code offset}, which must be 4-aligned. */
  public int readVolatileInt(long offset) {
    checkAccess(offset, 4);
    return store.readVolatileInt(offset);
  }

  /** Volatile (sequentially consistent) write of the int at {@code offset}, 4-aligned. */
  public void writeVolatileInt(long offset, int value) {
    checkAccess(offset, 4);
    store.writeVolatileInt(offset, value);
  }

  /**
   * Ordered (release) write of the int at {@code offset}, 4-aligned: every write before it is
   * visible to a thread that reads this value with {@link #readVolatileInt}.
   */
  public void writeOrderedInt(long offset, int value) {
    checkAccess(offset, 4);
    store.writeOrderedInt(offset, value);
  }

  /** Copies {@code length} bytes of {@code src} from {@code srcOffset} into the region at {@code offset}. */
  public void copyFrom(byte[] src, int srcOffset, long offset, int length) {
    java.util.Objects.checkFromIndexSize(srcOffset, length, src.length);
    checkAccess(offset, length);
    store.write(offset, src, srcOffset, length);
  }

  /** Copies {@code length} bytes of the region at {@code offset} into {@code dst} at {@code dstOffset}. */
  public void copyTo(long offset, byte[] dst, int dstOffset, int length) {
    java.util.Objects.checkFromIndexSize(dstOffset, length, dst.length);
    checkAccess(offset, length);
    store.read(offset, dst, dstOffset, length);
  }

  private void checkAccess(long offset, long length) {
    checkOpen();
    if (offset < 0 || length < 0 || offset > size - length) {
      throw MemoryErrors.outOfRange(name, offset, length, size);
    }
  }

  private void checkOpen() {
    if (closed.get()) {
      throw MemoryErrors.regionClosed(name);
    }
  }

  /** True once the memory has been given back (Chronicle's reference count reached zero). */
  boolean isReleased() {
    return store.refCount() == 0;
  }

  /**
   * Releases the memory now and deletes the file of a non-persistent file region. Idempotent and
   * thread-safe: only the first call does anything.
   *
   * @throws B8gException {@code region.io} if the file could not be deleted (the memory is released
   *     all the same)
   */
  @Override
  public void close() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    store.releaseLast();
    // Chronicle may hand the free/munmap to its background releaser thread; wait for it so the
    // memory is gone when close() returns, as the contract says.
    BackgroundResourceReleaser.releasePendingResources();
    if (file != null && !persistent) {
      try {
        Files.deleteIfExists(file);
      } catch (IOException e) {
        throw new B8gException(
            Category.MEMORY,
            "region.io",
            "region '" + name + "': memory released but " + file + " could not be deleted: "
                + e.getMessage(),
            e);
      }
    }
  }

  @Override
  public String toString() {
    return "Region[" + name + ", " + size + " bytes" + (file == null ? "" : ", " + file)
        + (closed.get() ? ", closed" : "") + "]";
  }
}
