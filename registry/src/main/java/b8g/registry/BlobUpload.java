package b8g.registry;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.HttpRetryException;
import java.net.HttpURLConnection;
import java.net.URI;
import java.time.Duration;

/**
 * Monolithic blob uploads (one {@code PUT} carrying the whole blob), the bulk of a push's bytes,
 * over the JDK's {@link HttpURLConnection}: the body is written from the store's file on the
 * calling thread (hashed in passing by its {@link UploadSource}) in fixed-length streaming mode,
 * nothing buffered. The JDK {@code HttpClient} pulls a request body through its own threads in 16
 * KiB buffers, which costs more CPU and more thread hand-overs (see {@link BlobDownload}).
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
   * null when the registry asked for authentication or a redirect, or the body's write broke
   * (send it through the client).
   */
  Answer put(URI uri, UploadSource source, long n, String what) {
    HttpURLConnection c;
    try {
      c = (HttpURLConnection) uri.toURL().openConnection();
      c.setRequestMethod("PUT");
      c.setInstanceFollowRedirects(false);
      c.setConnectTimeout(connectTimeoutMillis);
      c.setReadTimeout(readTimeoutMillis);
      c.setUseCaches(false);
      c.setDoOutput(true);
      c.setFixedLengthStreamingMode(n);
      c.setRequestProperty("Content-Type", "application/octet-stream");
      String authorization = auth.header();
      if (authorization != null) {
        c.setRequestProperty("Authorization", authorization);
      }
    } catch (IOException | IllegalArgumentException e) {
      throw new RegistryException(RegistryException.CONNECTION, what + ": cannot open " + uri + ": " + e, e);
    }
    boolean reusable = false;
    HttpURLConnection connection = c;
    java.io.Closeable abort = connection::disconnect; // the body's write fails at once, the answer's wait too
    BlobTransfers.opened(abort, what); // disconnected from another thread if the operation stops
    try {
      try (OutputStream out = c.getOutputStream()) {
        source.writeTo(out, 0, n);
      } catch (IOException e) {
        if (source.failure() == null && !BlobTransfers.stopped()) {
          // The registry may have refused the PUT (a 401, a redirect) before reading its body and
          // closed the connection; HttpURLConnection then reports only the broken write. The
          // client path sends it once more and answers a 401 or redirect; a real network failure
          // fails there.
          return null;
        }
        throw e;
      }
      int s;
      try {
        s = c.getResponseCode();
      } catch (HttpRetryException e) {
        return null; // 401 or a redirect: the client path answers those
      }
      if (s == 401 || (s >= 300 && s < 400)) {
        return null;
      }
      String detail = "";
      try (InputStream in = s >= 400 ? c.getErrorStream() : c.getInputStream()) {
        if (in != null) {
          byte[] body = in.readNBytes(HttpErrors.BODY_LIMIT);
          detail = s == 201 ? "" : HttpErrors.errorText(body);
          reusable = in.read() < 0;
        }
      }
      return new Answer(s, detail);
    } catch (IOException e) {
      RegistryException local = source.failure();
      if (local != null) {
        throw local;
      }
      throw new RegistryException(RegistryException.CONNECTION, what + ": PUT " + uri + " failed: " + e
          + " (is the registry running, is the address right?)", e);
    } finally {
      BlobTransfers.closed(abort);
      if (!reusable) {
        c.disconnect();
      }
    }
  }
}
