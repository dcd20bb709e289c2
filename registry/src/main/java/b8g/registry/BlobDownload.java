package b8g.registry;

import b8g.errors.Printable;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Blob downloads, the bulk of a pull's bytes: a {@code GET} on a {@link BlobConnection} (a socket
 * of its own, which the operation closes from another thread when it stops: the JDK's {@code
 * HttpURLConnection} ignores interrupts and cannot be disconnected while a read waits), whose body
 * is read on the calling thread into a {@link BlobWriter} (counted, hashed, appended to the store's
 * temp file) on a second thread. The JDK {@code HttpClient} that carries every other request hands
 * a body over in 16 KiB buffers through its own threads, which costs several times the CPU of
 * reading the socket (measured with a 64 MiB blob from a local registry: about 10x before its code
 * is compiled, 2-3x after), so blobs take this path.
 *
 * <p>It speaks for the registry's {@link HttpTransport}: a 401 is answered once through its {@link
 * RegistryAuth}; redirects (to a storage service or CDN, as large registries answer blob requests)
 * are followed here, at most {@value #MAX_REDIRECTS}, never from https to http unless insecure,
 * and the registry's {@code Authorization} goes to the registry's own origin only. Any other
 * status fails as {@link HttpErrors} decodes it; more bytes than declared fail at once; a cut
 * connection fails naming how far it got. One connection per request, through the proxy the default {@link java.net.ProxySelector} names (see {@link BlobConnection}).
 * Thread-safe.
 */
final class BlobDownload {
  static final int MAX_REDIRECTS = 5;
  private static final int BUFFER = 256 * 1024;
  private static final int RING = 4;
  /** How long a download waits for its store thread once it has told it to end (see copy). */
  private static final long STORE_GRACE_NANOS = java.util.concurrent.TimeUnit.SECONDS.toNanos(5);
  /** Marks the end of the body in the pipeline's queues. */
  private static final ByteBuffer END = ByteBuffer.allocate(0);

  private final HttpTransport http;
  private final RegistryAuth auth;
  private final boolean insecure;
  private final int connectTimeoutMillis;
  private final int readTimeoutMillis;

  BlobDownload(HttpTransport http, RegistryAuth auth, boolean insecure, Duration connectTimeout, Duration requestTimeout) {
    this.http = http;
    this.auth = auth;
    this.insecure = insecure;
    this.connectTimeoutMillis = millis(connectTimeout);
    this.readTimeoutMillis = millis(requestTimeout);
  }

  private static int millis(Duration d) {
    return (int) Math.max(1, Math.min(Integer.MAX_VALUE, d.toMillis()));
  }

  /**
   * Streams the {@code 200} body of {@code GET uri} into {@code writer} (not committed here);
   * fails when the registry declares more than {@code limit} bytes.
   */
  void get(URI uri, BlobWriter writer, long limit, String what) {
    URI registry = http.uri("");
    URI at = uri;
    String answered = null; // this request's own answer to a 401, sent with its retry
    for (int redirects = 0; ; ) {
      boolean own = sameOrigin(at, registry);
      BlobConnection c = new BlobConnection();
      BlobTransfers.opened(c, what); // closed from another thread if the operation stops
      try {
        int s = send(c, at, own ? (answered != null ? answered : auth.header()) : null, what);
        if (s == 401 && own && answered == null) {
          String challenge = Objects.requireNonNullElse(c.header("www-authenticate"), "");
          c.close();
          answered = auth.answer(challenge, what);
          continue;
        }
        if (s == 301 || s == 302 || s == 303 || s == 307 || s == 308) {
          String location = c.header("location");
          c.close();
          if (location == null) {
            throw new RegistryException(RegistryException.PROTOCOL, what + ": GET " + at + " answered " + s + " without a Location");
          }
          if (++redirects > MAX_REDIRECTS) {
            throw new RegistryException(RegistryException.PROTOCOL, what + ": more than " + MAX_REDIRECTS + " redirects, the last to "
                + Printable.quoted(location));
          }
          URI next = resolve(at, location, what);
          if ("https".equals(at.getScheme()) && !"https".equals(next.getScheme()) && !insecure) {
            throw new RegistryException(RegistryException.REFUSED, what + ": " + at + " redirects to " + Printable.quoted(next.toString())
                + ", which is not https; set insecure to allow it");
          }
          at = next;
          continue;
        }
        if (s != 200) {
          String detail = HttpErrors.errorText(errorBody(c));
          throw HttpErrors.failure(s, "GET " + at, detail, what, auth.refusalHint());
        }
        long declared = c.contentLength();
        if (declared > limit) {
          throw new RegistryException(RegistryException.TOO_LARGE, what + " is " + declared + " bytes, over the limit of " + limit);
        }
        copy(c, writer, declared, what);
        return;
      } finally {
        BlobTransfers.closed(c);
        c.close(); // one request per connection
      }
    }
  }

  /**
   * Copies the body; {@code declared} is its Content-Length (-1: none, the body ends with the
   * stream). Two threads in a pipeline: this one reads the socket into {@value #RING} buffers of
   * {@value #BUFFER} bytes, a store thread hashes and writes each full buffer, so that the network,
   * the hash and the page cache work at once. Never more than the blob's size is read (plus one
   * byte to notice a longer body), and a failure on either side stops both.
   */
  private void copy(BlobConnection c, BlobWriter writer, long declared, String what) {
    BlockingQueue<ByteBuffer> free = new ArrayBlockingQueue<>(RING);
    BlockingQueue<ByteBuffer> full = new ArrayBlockingQueue<>(RING + 1);
    for (int i = 0; i < RING; i++) {
      free.add(ByteBuffer.allocate(BUFFER));
    }
    AtomicReference<RuntimeException> storeFailure = new AtomicReference<>();
    Thread store = new Thread(() -> {
      try {
        while (true) {
          ByteBuffer b = full.take();
          if (b == END) {
            return;
          }
          writer.append(b);
          free.add(b.clear());
        }
      } catch (RuntimeException e) {
        storeFailure.set(e);
        free.offer(END); // wakes the reader (it holds at most RING - 1 free buffers now)
      } catch (InterruptedException e) {
        storeFailure.set(new RegistryException(RegistryException.IO, what + ": interrupted while storing", e));
        free.offer(END);
      }
    }, "b8g-registry-store");
    store.setDaemon(true);
    store.start();
    long got = 0;
    try (InputStream in = c.body()) {
      long room = writer.size() + 1; // one byte past the size tells a longer body
      boolean eof = false;
      while (!eof) {
        ByteBuffer b = free.take();
        if (b == END) {
          break; // the store side failed
        }
        if (BlobTransfers.stopped()) {
          throw new IOException("stopped: another blob's transfer failed");
        }
        while (b.hasRemaining() && room > 0) {
          int n = in.read(b.array(), b.position(), (int) Math.min(b.remaining(), room));
          if (n < 0) {
            eof = true;
            break;
          }
          b.position(b.position() + n);
          got += n;
          room -= n;
          http.moved(n);
        }
        full.add(b.flip());
        if (room == 0) {
          break; // the store side refuses the extra byte
        }
      }
      full.add(END);
      store.join();
      RuntimeException failed = storeFailure.get();
      if (failed != null) {
        throw failed;
      }
      if (declared >= 0 && got < declared) {
        throw new IOException("the body ended at byte " + got + " of the " + declared + " announced");
      }
    } catch (IOException e) {
      if (Thread.currentThread().isInterrupted()) {
        throw new RegistryException(RegistryException.CONNECTION, what + ": interrupted after " + got + " bytes", e);
      }
      if (e instanceof java.net.ProtocolException) {
        throw new RegistryException(RegistryException.PROTOCOL, what + ": the body broke the HTTP framing after " + got
            + " bytes: " + e.getMessage() + "; nothing was stored", e);
      }
      throw new RegistryException(RegistryException.CONNECTION, what + ": connection lost after " + got
          + " bytes (" + e.getMessage() + "); nothing was stored, try again", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new RegistryException(RegistryException.CONNECTION, what + ": interrupted after " + got + " bytes", e);
    } finally {
      if (store.isAlive()) {
        store.interrupt();
      }
      // Wait even when this thread is interrupted (a stopping operation interrupts it): the caller
      // aborts the writer next, which should not happen under the store thread's append, and no
      // thread should outlive the download. Once interrupted that thread ends within milliseconds
      // (it waits in take(), or hashes and writes one buffer, a write the interrupt ends); the wait
      // is bounded anyway, so that a disk stalling a write does not hold a stop here: past it the
      // writer is aborted under the thread (its write then fails, nothing is stored; closing the
      // file may itself wait for the stalled write, which no Java code can cut short).
      BlobTransfers.awaitEnd(store, STORE_GRACE_NANOS);
      c.close();
    }
  }

  /** Sends {@code GET at} on {@code c}; returns the answer's status. */
  private int send(BlobConnection c, URI at, String authorization, String what) {
    try {
      c.get(at, authorization, connectTimeoutMillis, readTimeoutMillis);
      return c.status();
    } catch (IOException | IllegalArgumentException e) {
      c.close();
      if (Thread.currentThread().isInterrupted() || BlobTransfers.stopped()) {
        throw new RegistryException(RegistryException.CONNECTION, what + ": GET " + at
            + " stopped (interrupted, or another blob's transfer failed)", e);
      }
      if (e instanceof java.net.ProtocolException) {
        throw new RegistryException(RegistryException.PROTOCOL, what + ": GET " + at + ": " + e.getMessage(), e);
      }
      throw new RegistryException(RegistryException.CONNECTION, what + ": GET " + at + " failed: " + e
          + " (is the registry running, is the address right" + (insecure ? "" : ", does it speak TLS") + "?)", e);
    }
  }

  /** {@code location} against {@code at}; an http(s) URI or a protocol error. */
  static URI resolve(URI at, String location, String what) {
    try {
      URI next = at.resolve(location);
      if (!"https".equals(next.getScheme()) && !"http".equals(next.getScheme())) {
        throw new IllegalArgumentException("not http(s)");
      }
      return next;
    } catch (IllegalArgumentException e) {
      throw new RegistryException(RegistryException.PROTOCOL, what + ": bad redirect Location " + Printable.quoted(location), e);
    }
  }

  /** Whether {@code a} and {@code b} have the same scheme, host and port. */
  static boolean sameOrigin(URI a, URI b) {
    return Objects.equals(a.getScheme(), b.getScheme()) && Objects.equals(a.getHost(), b.getHost()) && a.getPort() == b.getPort();
  }

  /** At most {@link HttpErrors#BODY_LIMIT} bytes of an error body (none when it has none or it breaks). */
  private static byte[] errorBody(BlobConnection c) {
    try {
      return c.body().readNBytes(HttpErrors.BODY_LIMIT);
    } catch (IOException e) {
      return new byte[0];
    }
  }
}
