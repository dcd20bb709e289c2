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
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import net.openhft.chronicle.bytes.BytesStore;
import net.openhft.chronicle.core.io.BackgroundResourceReleaser;

/**
 * A fixed block of off-heap memory: anonymous (private to this process), or memory other processes
 * map too. Of the latter there are three kinds:
 *
 * <ul>
 *   <li>{@link #shared}: a file under {@code /dev/shm} whose name is deleted before the method
 *       returns, for this process's own children (worker processes). They reach it only through
 *       {@link #peerPath()}, {@code /proc/<pid>/fd/<n>}, which opens the file this region keeps
 *       open; so nothing is left in {@code /dev/shm} however this process ends, even by {@code kill
 *       -9}, and no one can find the memory by name.
 *   <li>{@link #shmFile}: a named file (a manifest's {@code file}), which stays where it is while
 *       the region is open; {@link #peerPath()} works for it too.
 *   <li>{@link #mapPeer}: the child's side, mapping what a parent's {@link #peerPath()} leads to.
 * </ul>
 *
 * <p>The memory is seen three ways, all over the same bytes: {@link #byteBuffer()} (a direct,
 * writable, little-endian {@link ByteBuffer}; what the component layer wraps zero-copy into a V8
 * {@code ArrayBuffer}), {@link #bytesStore()} (Chronicle Bytes, for the ring and other platform
 * code), and the bounds-checked accessors on this class.
 *
 * <p>Ownership: the region owns its memory, and the file descriptor a shared or shmFile region
 * keeps open. {@link #close()} releases the memory at once (free or unmap, not at the next GC),
 * closes that descriptor and deletes a non-persistent shmFile's file. Every view handed out before
 * must be out of use by then: a Java access through a stale {@code ByteBuffer}, or a JS view that
 * was not detached first, touches released memory and may crash the process. The region's own accessors fail with
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
  /** Kept open for {@link #peerPath()} (shared and shmFile regions); null otherwise. */
  private final FileChannel channel;
  /** The descriptor {@link #channel} holds, or -1. */
  private final int fd;
  private final AtomicBoolean closed = new AtomicBoolean();

  private Region(String name, ByteBuffer buffer, Path file, boolean persistent, FileChannel channel, int fd) {
    this.name = name;
    this.size = buffer.capacity();
    this.buffer = buffer;
    // Chronicle owns the release from here: releaseLast() runs the JDK cleaner of the direct or
    // mapped buffer (free / munmap) instead of waiting for the GC.
    this.store = BytesStore.wrap(buffer);
    this.file = file;
    this.persistent = persistent;
    this.channel = channel;
    this.fd = fd;
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
    return new Region(name, buffer, null, true, null, -1);
  }

  /**
   * Maps the file {@code file} as a shared region of {@code size} bytes, creating it (zero-filled) if
   * it does not exist or is empty. An existing file must hold exactly {@code size} bytes: the size
   * is part of what the creator and the other users agree on. The region keeps the file open, so
   * {@link #peerPath()} leads a child process to it as well.
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
    FileChannel channel = null;
    try {
      channel = FileChannel.open(file, OPEN_SHARED, OWNER_ONLY);
      String owner = Files.getOwner(file, LinkOption.NOFOLLOW_LINKS).getName();
      String me = System.getProperty("user.name");
      if (!owner.equals(me)) {
        throw new B8gException(Category.MEMORY, "region.io",
            "region '" + name + "': file " + file + " belongs to " + owner + ", not " + me + "; it is not mapped");
      }
      long existing = channel.size();
      if (existing == 0) {
        extend(channel, size);
      } else if (existing != size) {
        throw new B8gException(
            Category.MEMORY,
            "region.size_mismatch",
            "region '" + name + "': file " + file + " holds " + existing + " bytes but " + size
                + " were asked for; open it with its real size or remove the stale file");
      }
      int fd = ProcFd.descriptorOf(channel, file);
      MappedByteBuffer mapped = channel.map(FileChannel.MapMode.READ_WRITE, 0, size);
      Region region = new Region(name, mapped, file, persistent, channel, fd);
      channel = null;
      return region;
    } catch (IOException e) {
      throw new B8gException(
          Category.MEMORY,
          "region.io",
          "region '" + name + "': cannot map " + file + ": " + e.getMessage(),
          e);
    } finally {
      closeQuietly(channel);
    }
  }

  /**
   * Maps an existing regular file, read and write and shared: writes through the region reach the
   * file, and other mappings of it see them. The file is opened without following a final
   * symbolic link, and kept open, so {@link #peerPath()} leads a child process to it. Its size is
   * fixed now: the file must not be truncated while mapped (an access beyond the end of a mapped
   * file faults, in Java and in V8 alike). Closing the region never deletes the file.
   *
   * @throws B8gException {@code region.size} for an empty file or one over {@link #MAX_SIZE},
   *     {@code region.io} if it cannot be opened or mapped (a link, not a regular file)
   */
  public static Region mapFile(String name, Path file) {
    FileChannel channel = null;
    try {
      channel = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE, LinkOption.NOFOLLOW_LINKS);
      if (!Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS)) {
        throw new B8gException(Category.MEMORY, "region.io", "region '" + name + "': " + file + " is not a regular file");
      }
      long size = channel.size();
      checkSize(name, size);
      int fd = ProcFd.descriptorOf(channel, file);
      MappedByteBuffer mapped = channel.map(FileChannel.MapMode.READ_WRITE, 0, size);
      Region region = new Region(name, mapped, null, true, channel, fd);
      channel = null;
      return region;
    } catch (IOException e) {
      throw new B8gException(Category.MEMORY, "region.io", "region '" + name + "': cannot map " + file + ": " + e.getMessage(), e);
    } finally {
      closeQuietly(channel);
    }
  }

  /**
   * Memory to share with this process's own child processes, which never has a name anyone could
   * find: a file {@code /dev/shm/b8g-<pid>-<32 random hex digits>}, created new (0600, never
   * through a link), opened and deleted again before this method returns. The region keeps the
   * file open; a child process of the same user maps it with {@link #mapPeer} through {@link
   * #peerPath()}. The memory lives until this region and every child's mapping are closed (or
   * their processes end); a {@code kill -9} of this process leaves nothing behind in {@code
   * /dev/shm} once this method has returned.
   *
   * <p>{@link #file()} is null for such a region: its name is gone.
   *
   * @throws B8gException {@code region.size} for a size out of range, {@code region.io} if {@code
   *     /dev/shm} is missing or the file cannot be created, mapped or found among this process's
   *     descriptors (procfs is needed too)
   */
  public static Region shared(String name, long size) {
    return sharedIn(SHM, name, size);
  }

  /**
   * A file name under {@code /dev/shm} nobody can guess or plant beforehand: {@code
   * b8g-<pid>-<label>-<32 hex digits>} (128 random bits), or {@code b8g-<pid>-<32 hex digits>}
   * without a label.
   */
  public static String unguessableName(String label) {
    byte[] random = new byte[16];
    RANDOM.nextBytes(random);
    return "b8g-" + ProcessHandle.current().pid() + "-" + (label == null ? "" : label + "-") + HexFormat.of().formatHex(random);
  }

  /** {@link #shared} with the directory as a parameter, so that its absence can be tested. */
  static Region sharedIn(Path dir, String name, long size) {
    checkSize(name, size);
    if (!Files.isDirectory(dir)) {
      throw new B8gException(
          Category.MEMORY,
          "region.io",
          "region '" + name + "': shared memory needs " + dir + " (a tmpfs, as on every common Linux"
              + " system), which does not exist here");
    }
    Path file = dir.resolve(unguessableName(null));
    FileChannel channel = null;
    boolean named = false;
    try {
      channel = FileChannel.open(file, CREATE_SHARED, OWNER_ONLY);
      named = true;
      // The descriptor is found by its link's target, so before the name goes; everything else
      // waits until after, to keep the moment a kill -9 could leave the file behind short.
      int fd = ProcFd.descriptorOf(channel, file);
      Files.delete(file);
      named = false;
      extend(channel, size);
      MappedByteBuffer mapped = channel.map(FileChannel.MapMode.READ_WRITE, 0, size);
      Region region = new Region(name, mapped, null, true, channel, fd);
      channel = null;
      return region;
    } catch (IOException e) {
      throw new B8gException(
          Category.MEMORY,
          "region.io",
          "region '" + name + "': cannot create shared memory " + file + ": " + e.getMessage(),
          e);
    } finally {
      closeQuietly(channel);
      if (named) {
        try {
          Files.deleteIfExists(file);
        } catch (IOException e) {
          // The error that brought us here is the one to report; the name is random and 0600.
        }
      }
    }
  }

  /**
   * The child's side of {@link #shared} (or of a {@link #shmFile}): maps the memory a parent's
   * {@link #peerPath()} leads to, {@code /proc/<pid>/fd/<n>}. That link is followed (it is the only
   * way in to a deleted file), which is why nothing but such a path is accepted: a path handed
   * over by the parent can lead only to a file the parent holds open, never to a file named
   * directly. Opening it needs the rights over the parent that a process of the same user has.
   *
   * <p>The region keeps nothing open (the mapping stays valid without the descriptor) and deletes
   * nothing on close; {@link #file()} is null and {@link #peerPath()} fails.
   *
   * @throws B8gException {@code region.size} for a size out of range, {@code region.io} for a path
   *     not of that form or that cannot be opened or is not a regular file, {@code
   *     region.size_mismatch} if the memory does not hold exactly {@code size} bytes
   */
  public static Region mapPeer(String name, Path peerPath, long size) {
    checkSize(name, size);
    if (!ProcFd.isPeerPath(peerPath)) {
      throw new B8gException(
          Category.MEMORY,
          "region.io",
          "region '" + name + "': " + peerPath + " is not a peer path; only /proc/<pid>/fd/<n> (decimal"
              + " numbers) is mapped, as Region.peerPath() of the process that holds the memory gives");
    }
    try (FileChannel channel = FileChannel.open(peerPath, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
      if (!Files.isRegularFile(peerPath)) {
        throw new B8gException(
            Category.MEMORY,
            "region.io",
            "region '" + name + "': " + peerPath + " does not lead to a regular file; it is not mapped");
      }
      long existing = channel.size();
      if (existing != size) {
        throw new B8gException(
            Category.MEMORY,
            "region.size_mismatch",
            "region '" + name + "': " + peerPath + " holds " + existing + " bytes but " + size
                + " were asked for; the holder and this process disagree on the region's size");
      }
      MappedByteBuffer mapped = channel.map(FileChannel.MapMode.READ_WRITE, 0, size);
      return new Region(name, mapped, null, true, null, -1);
    } catch (IOException e) {
      throw new B8gException(
          Category.MEMORY,
          "region.io",
          "region '" + name + "': cannot map " + peerPath + ": " + e.getMessage(),
          e);
    }
  }

  /** Extends an empty file to {@code size} bytes; on tmpfs the pages stay unallocated until used. */
  private static void extend(FileChannel channel, long size) throws IOException {
    // Writing the last byte extends the file (a positional write: the position is untouched).
    channel.write(ByteBuffer.allocate(1), size - 1);
  }

  private static void closeQuietly(FileChannel channel) {
    if (channel != null) {
      try {
        channel.close();
      } catch (IOException e) {
        // Only reached on a failure path, whose own error is the one reported.
      }
    }
  }

  private static final Set<OpenOption> OPEN_SHARED = Set.of(
      StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE, LinkOption.NOFOLLOW_LINKS);
  private static final Set<OpenOption> CREATE_SHARED = Set.of(
      StandardOpenOption.CREATE_NEW, StandardOpenOption.READ, StandardOpenOption.WRITE, LinkOption.NOFOLLOW_LINKS);
  private static final Path SHM = Path.of("/dev/shm");
  private static final SecureRandom RANDOM = new SecureRandom();
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

  /**
   * The backing file's name: the file of a {@link #shmFile} region; null for an anonymous region,
   * a {@link #shared} one (its name is deleted at once) and one from {@link #mapPeer}.
   */
  public Path file() {
    return file;
  }

  /**
   * The path through which a process of the same user (a child of this one) maps this region with
   * {@link #mapPeer}: {@code /proc/<this pid>/fd/<n>}, the descriptor this region keeps open. Valid
   * until {@link #close()}; the other process must have mapped it by then.
   *
   * @throws B8gException {@code region.not_shared} for a region that holds no file open
   *     (anonymous, or itself from {@link #mapPeer})
   */
  public Path peerPath() {
    checkOpen();
    if (channel == null) {
      throw new B8gException(
          Category.MEMORY,
          "region.not_shared",
          "region '" + name + "' holds no file open (it is anonymous or mapped from a peer), so no"
              + " other process can map it through a peer path; create it with Region.shared or"
              + " Region.shmFile");
    }
    return ProcFd.peerPath(fd);
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
   * Releases the memory now, closes the file this region keeps open (so its {@link #peerPath()}
   * leads nowhere any more; mappings other processes made stay valid) and deletes the file of a
   * non-persistent {@link #shmFile} region. Idempotent and thread-safe: only the first call does
   * anything.
   *
   * @throws B8gException {@code region.io} if the file could not be closed or deleted (the memory
   *     is released all the same)
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
    B8gException failure = null;
    if (channel != null) {
      try {
        channel.close();
      } catch (IOException e) {
        failure = closeFailure("descriptor " + fd + " could not be closed", e);
      }
    }
    if (file != null && !persistent) {
      try {
        Files.deleteIfExists(file);
      } catch (IOException e) {
        B8gException deleting = closeFailure(file + " could not be deleted", e);
        if (failure == null) {
          failure = deleting;
        } else {
          failure.addSuppressed(deleting);
        }
      }
    }
    if (failure != null) {
      throw failure;
    }
  }

  private B8gException closeFailure(String what, IOException e) {
    return new B8gException(
        Category.MEMORY,
        "region.io",
        "region '" + name + "': memory released but " + what + ": " + e.getMessage(),
        e);
  }

  @Override
  public String toString() {
    return "Region[" + name + ", " + size + " bytes" + (file == null ? "" : ", " + file)
        + (channel == null ? "" : ", fd " + fd)
        + (closed.get() ? ", closed" : "") + "]";
  }
}
