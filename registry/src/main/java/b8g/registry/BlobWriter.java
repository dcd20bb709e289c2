package b8g.registry;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.UUID;

/**
 * One blob on its way into a store's {@code blobs/sha256}: bytes appended to a temp file beside
 * the target while they are counted and hashed (more than the declared size fails at once), then
 * {@link #commit()}: fsync, check size and digest, atomic rename, directory fsync. Nothing but a
 * {@code .tmp-*} file exists before the commit succeeds, and {@link #abort()} removes that.
 *
 * <p>With {@code keep}, a blob of at most {@value #KEEP_LIMIT} bytes is also copied into memory and
 * returned by {@link #commit()}: the caller gets exactly the bytes that were hashed, so it need not
 * read the file back and hash it a second time. The copy grows with the bytes that actually
 * arrive, never with the size a (possibly hostile) manifest declares; a larger blob is not kept
 * (its commit returns null) and is read back from the store, verified. Used by one thread at a time (appends may come from
 * different threads when each happens-before the next, as a reactive stream's signals do).
 */
final class BlobWriter {
  /** Blobs up to this size are kept in memory when asked to; larger ones are read back from the store. */
  static final int KEEP_LIMIT = 64 * 1024 * 1024;
  /** The kept copy's first capacity; it doubles as bytes arrive. */
  private static final int KEEP_START = 64 * 1024;

  private final Path target;
  private final Path tmp;
  private final String digest;
  private final long size;
  private final String where;
  private final MessageDigest md = Digest.sha256();
  private final boolean keep;
  private byte[] kept;
  private FileChannel ch;
  private long count;

  /** Creates the temp file for {@code digest} ({@code size} bytes) in {@code dir}. */
  BlobWriter(Path dir, String digest, long size, boolean keep, String where) {
    Digest.check(digest, "blob");
    this.target = dir.resolve(Digest.hex(digest));
    this.tmp = dir.resolve(OciStore.TMP + UUID.randomUUID());
    this.digest = digest;
    this.size = size;
    this.where = where;
    this.keep = keep && size <= KEEP_LIMIT;
    this.kept = new byte[0];
    try {
      this.ch = FileChannel.open(tmp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
    } catch (IOException e) {
      throw RegistryException.io("cannot write blob " + digest + " to " + where, e);
    }
  }

  /** The declared size. */
  long size() {
    return size;
  }

  /** Bytes appended so far. */
  long count() {
    return count;
  }

  /** Appends the remaining bytes of {@code b}; fails (and leaves the temp file to abort) past the declared size. */
  void append(ByteBuffer b) {
    int n = b.remaining();
    if (count + n > size) {
      throw new RegistryException(RegistryException.DIGEST_MISMATCH,
          "blob " + digest + " is longer than its declared " + size + " bytes; nothing was stored");
    }
    if (keep) {
      if (count + n > kept.length) {
        // grows with what arrived (never past the declared size, checked above, at most KEEP_LIMIT)
        kept = Arrays.copyOf(kept, (int) Math.min(size, Math.max(count + n, Math.max(KEEP_START, 2L * kept.length))));
      }
      b.duplicate().get(kept, (int) count, n);
    }
    md.update(b.duplicate());
    try {
      while (b.hasRemaining()) {
        ch.write(b);
      }
    } catch (IOException e) {
      throw RegistryException.io("cannot write blob " + digest + " to " + where, e);
    }
    count += n;
  }

  /** Appends {@code n} bytes of {@code buf} from {@code off}. */
  void append(byte[] buf, int off, int n) {
    append(ByteBuffer.wrap(buf, off, n));
  }

  /**
   * Makes the blob durable under its digest if exactly the declared size with the declared digest
   * arrived; otherwise fails, removing the temp file. Returns the kept bytes (null without keep,
   * or when the blob is over {@value #KEEP_LIMIT} bytes).
   */
  byte[] commit() {
    boolean done = false;
    try {
      ch.force(true);
      ch.close();
      if (count != size) {
        throw new RegistryException(RegistryException.DIGEST_MISMATCH,
            "blob " + digest + " arrived with " + count + " bytes, expected " + size + "; nothing was stored");
      }
      String actual = Digest.format(md.digest());
      if (!actual.equals(digest)) {
        throw Digest.mismatch(digest, actual, "incoming blob (nothing was stored)");
      }
      move();
      done = true;
      return keep ? kept : null;
    } catch (IOException e) {
      throw RegistryException.io("cannot write blob " + digest + " to " + where, e);
    } finally {
      if (!done) {
        abort();
      }
    }
  }

  /** Drops the temp file (idempotent; gc removes one that could not be removed here). */
  void abort() {
    try {
      ch.close();
    } catch (IOException ignored) {
      // closing is all that is left to do with it
    }
    try {
      Files.deleteIfExists(tmp);
    } catch (IOException ignored) {
      // gc removes temp files that could not be removed here
    }
  }

  private void move() throws IOException {
    try {
      Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE);
    } catch (FileAlreadyExistsException e) {
      Files.deleteIfExists(tmp); // someone stored the same content meanwhile
      return;
    } catch (AtomicMoveNotSupportedException e) {
      throw new IOException("the file system under " + where + " cannot rename atomically", e);
    }
    OciStore.fsyncDir(target.getParent());
  }
}
