package b8g.registry;

import java.io.IOException;
import java.net.http.HttpRequest.BodyPublisher;
import java.net.http.HttpRequest.BodyPublishers;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.util.concurrent.Flow;

/**
 * A stored blob on its way to a registry: request bodies over byte ranges of its file, read in
 * {@value #BUFFER} byte buffers that are hashed as they go out, so that checking the local copy
 * costs no second read of the file. {@link #verify()} must pass before an upload is completed.
 *
 * <p>What is hashed is the prefix of the blob read so far in order. A range read again (a request
 * repeated after a 401 or a redirect, a chunk sent again after a fault) adds nothing to it; a range
 * that starts past it (a chunk skipped because the registry said it had it) leaves a gap, and then
 * {@link #verify()} reads the whole file again instead. Thread-safe: the client reads on its threads,
 * the caller verifies on its own.
 */
final class UploadSource {
  static final int BUFFER = 256 * 1024;

  private final Blobs blobs;
  private final Descriptor blob;
  private final Path file;
  private final MessageDigest md = Digest.sha256();
  private long hashed;
  private boolean gap;
  private RegistryException failure;

  UploadSource(Blobs blobs, Descriptor blob) {
    this.blobs = blobs;
    this.blob = blob;
    this.file = blobs.path(blob.digest());
  }

  /** A request body of {@code n} bytes from {@code offset} (declared as its Content-Length). */
  BodyPublisher range(long offset, long n) {
    if (n == 0) {
      return BodyPublishers.noBody();
    }
    return BodyPublishers.fromPublisher(s -> s.onSubscribe(new Reading(s, offset, offset + n)), n);
  }

  /**
   * Writes {@code n} bytes from {@code offset} to {@code out} (a request body being sent on the
   * calling thread), hashing them in passing; a failure to read the file is kept for {@link
   * #failure()} and thrown.
   */
  void writeTo(java.io.OutputStream out, long offset, long n) throws IOException {
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
      ByteBuffer b = ByteBuffer.allocate((int) Math.min(BUFFER, Math.max(n, 1)));
      long pos = offset;
      long end = offset + n;
      while (pos < end) {
        b.clear().limit((int) Math.min(b.capacity(), end - pos));
        while (b.hasRemaining()) {
          if (ch.read(b, pos + b.position()) < 0) {
            RegistryException e = new RegistryException(RegistryException.DIGEST_MISMATCH, "store: blob " + blob.digest()
                + " ends at byte " + (pos + b.position()) + ", its descriptor says " + blob.size()
                + "; the copy is truncated or altered, it was not used");
            failed(e);
            throw e;
          }
        }
        b.flip();
        hash(pos, b);
        out.write(b.array(), 0, b.limit());
        pos += b.limit();
      }
    } catch (NoSuchFileException e) {
      RegistryException f = new RegistryException(RegistryException.NOT_FOUND, "blob " + blob.digest() + " is not in the store", e);
      failed(f);
      throw f;
    }
  }

  /** Why reading the file for a request failed (missing, shorter than declared, unreadable), or null. */
  synchronized RegistryException failure() {
    return failure;
  }

  /**
   * Fails unless the file holds exactly the blob's size and digest: from the hash taken while
   * sending when the whole blob went out in order, else by reading the file again.
   */
  void verify() {
    RegistryException f = failure();
    if (f != null) {
      throw f;
    }
    String actual;
    synchronized (this) {
      if (gap || hashed != blob.size()) {
        actual = null;
      } else {
        actual = Digest.format(md.digest());
        gap = true; // the digest is spent: a second verify reads again
      }
    }
    if (actual == null) {
      blobs.check(blob);
      return;
    }
    long onDisk;
    try {
      onDisk = Files.size(file);
    } catch (NoSuchFileException e) {
      throw new RegistryException(RegistryException.NOT_FOUND, "blob " + blob.digest() + " is not in the store", e);
    } catch (IOException e) {
      throw RegistryException.io("cannot read blob " + blob.digest() + " in the store", e);
    }
    if (onDisk != blob.size()) {
      throw new RegistryException(RegistryException.DIGEST_MISMATCH, "store: blob " + blob.digest() + " has " + onDisk
          + " bytes, its descriptor says " + blob.size() + "; the copy is corrupt or was altered, it was not used");
    }
    if (!actual.equals(blob.digest())) {
      throw Digest.mismatch(blob.digest(), actual, "store");
    }
  }

  private synchronized void hash(long at, ByteBuffer b) {
    if (gap || at + b.remaining() <= hashed) {
      return;
    }
    if (at > hashed) {
      gap = true;
      return;
    }
    ByteBuffer fresh = b.duplicate();
    fresh.position(fresh.position() + (int) (hashed - at));
    hashed += fresh.remaining();
    md.update(fresh);
  }

  private synchronized void failed(RegistryException e) {
    if (failure == null) {
      failure = e;
    }
  }

  /** One subscription: reads [pos, end) on demand, on the requesting thread, one buffer per item. */
  private final class Reading implements Flow.Subscription {
    private final Flow.Subscriber<? super ByteBuffer> subscriber;
    private final long end;
    private long pos;
    private long demand;
    private boolean emitting;
    private boolean done;
    private FileChannel ch;

    Reading(Flow.Subscriber<? super ByteBuffer> subscriber, long start, long end) {
      this.subscriber = subscriber;
      this.pos = start;
      this.end = end;
    }

    @Override
    public void request(long n) {
      synchronized (this) {
        if (done) {
          return;
        }
        if (n <= 0) {
          done = true;
          close();
          subscriber.onError(new IllegalArgumentException("request(" + n + "): demand must be positive"));
          return;
        }
        demand = demand + n < 0 ? Long.MAX_VALUE : demand + n;
        if (emitting) {
          return; // the loop below, further up this stack or on another thread, sees the demand
        }
        emitting = true;
      }
      while (true) {
        synchronized (this) {
          if (done || demand == 0) {
            emitting = false;
            if (done) {
              close(); // cancelled while this loop ran
            }
            return;
          }
          demand--;
        }
        ByteBuffer b;
        try {
          b = next();
        } catch (RegistryException e) {
          failed(e);
          synchronized (this) {
            done = true;
            emitting = false;
          }
          close();
          subscriber.onError(new IOException(e.getMessage(), e));
          return;
        }
        subscriber.onNext(b);
        if (pos == end) {
          synchronized (this) {
            done = true;
            emitting = false;
          }
          close();
          subscriber.onComplete();
          return;
        }
      }
    }

    private ByteBuffer next() {
      try {
        if (ch == null) {
          ch = FileChannel.open(file, StandardOpenOption.READ);
        }
        ByteBuffer b = ByteBuffer.allocate((int) Math.min(BUFFER, end - pos));
        while (b.hasRemaining()) {
          if (ch.read(b, pos + b.position()) < 0) {
            throw new RegistryException(RegistryException.DIGEST_MISMATCH, "store: blob " + blob.digest() + " ends at byte "
                + (pos + b.position()) + ", its descriptor says " + blob.size() + "; the copy is truncated or altered, it was not used");
          }
        }
        b.flip();
        hash(pos, b);
        pos += b.remaining();
        return b;
      } catch (NoSuchFileException e) {
        throw new RegistryException(RegistryException.NOT_FOUND, "blob " + blob.digest() + " is not in the store", e);
      } catch (IOException e) {
        throw RegistryException.io("cannot read blob " + blob.digest() + " in the store", e);
      }
    }

    @Override
    public void cancel() {
      synchronized (this) {
        done = true;
        if (!emitting) {
          close(); // else the emitting loop closes when it sees done
        }
      }
    }

    private synchronized void close() {
      FileChannel c = ch;
      ch = null;
      if (c != null) {
        try {
          c.close();
        } catch (IOException ignored) {
          // read-only: nothing is lost
        }
      }
    }
  }
}
