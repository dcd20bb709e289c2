package b8g.registry;

import java.io.IOException;
import java.net.URI;
import java.time.Duration;

/**
 * Monolithic blob uploads (one {@code PUT} carrying the whole blob), the bulk of a push's bytes,
 * over a {@link BlobConnection} (a socket of its own): the body is written from the store's file on
 * the calling thread (hashed in passing by its {@link UploadSource}), nothing buffered. The JDK
 * {@code HttpClient} pulls a request body through its own threads in 16 KiB buffers, which costs
 * more CPU and more thread hand-overs (see {@link BlobDownload}); {@code HttpURLConnection}'s
 * {@code disconnect} waits for a read of the answer in progress, so a stop could wait for the read
 * timeout. The connection is registered with {@link BlobTransfers}: a stop closes it, which ends the
 * body's write, the wait for the answer and the read of the answer's body at once.
 *
 * <p>A streaming request cannot be repeated by the connection itself: when the registry answers
 * it with a 401 (a token that expired since the upload session started) or a redirect, {@link
 * #put} says so and the caller sends it again through {@link HttpTransport#send}, which knows
 * both. The registry's {@code Authorization} is sent as {@link RegistryAuth} holds it.
 */
final class BlobUpload {
  private final RegistryAuth auth;
  private final int connectTimeoutMillis;
  private final int readTimeoutMillis;

  /** The registry's answer: its status and, when it is not the one expected, its error text. */
  record Answer(int status, String detail) {}

  BlobUpload(RegistryAuth auth, Duration connectTimeout, Duration requestTimeout) {
    this.auth = auth;
    this.connectTimeoutMillis = (int) Math.max(1, Math.min(Integer.MAX_VALUE, connectTimeout.toMillis()));
    this.readTimeoutMillis = (int) Math.max(1, Math.min(Integer.MAX_VALUE, requestTimeout.toMillis()));
  }

  /**
   * {@code PUT uri} with {@code n} bytes of {@code source} from byte 0; returns the answer, or
   * null when the registry asked for authentication or a redirect, or the request could not be
   * sent whole (send it through the client, which fails with the network's error if it persists).
   */
  Answer put(URI uri, UploadSource source, long n, String what) {
    BlobConnection c = new BlobConnection();
    BlobTransfers.opened(c, what); // closed from another thread if the operation stops
    try {
      try {
        c.put(uri, auth.header(), "application/octet-stream", n, out -> source.writeTo(out, 0, n), connectTimeoutMillis,
            readTimeoutMillis);
      } catch (IOException e) {
        if (source.failure() == null && !BlobTransfers.stopped() && !c.isClosed()) {
          // The registry may have refused the PUT (a 401, a redirect) before reading its body and
          // closed the connection, which breaks the write. The client path sends it once more and
          // answers a 401 or redirect; a real network failure fails there.
          return null;
        }
        throw e;
      }
      c.readAnswer();
      int s = c.status();
      if (s == 401 || (s >= 300 && s < 400)) {
        return null;
      }
      if (s == 201) {
        return new Answer(s, ""); // its body, if any, is not needed: the connection is closed
      }
      return new Answer(s, HttpErrors.errorText(c.body().readNBytes(HttpErrors.BODY_LIMIT)));
    } catch (IOException e) {
      RegistryException local = source.failure();
      if (local != null) {
        throw local;
      }
      if (e instanceof java.net.ProtocolException) {
        throw new RegistryException(RegistryException.PROTOCOL, what + ": PUT " + uri + ": " + e.getMessage(), e);
      }
      throw new RegistryException(RegistryException.CONNECTION, what + ": PUT " + uri + " failed: " + e
          + (c.isClosed() ? " (stopped)" : " (is the registry running, is the address right?)"), e);
    } finally {
      BlobTransfers.closed(c);
      c.close(); // one request per connection
    }
  }
}
