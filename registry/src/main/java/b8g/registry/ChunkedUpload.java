package b8g.registry;

import b8g.errors.Printable;
import java.io.InputStream;
import java.net.http.HttpRequest.BodyPublishers;
import java.net.http.HttpResponse;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Upload sessions of the distribution API ({@code POST /v2/<name>/blobs/uploads/}, then {@code
 * PATCH} chunks with {@code Content-Range}, then {@code PUT ?digest=}) for blobs sent in chunks.
 * A chunk lost to a connection or server error is sent again from where the registry says the
 * session stands ({@code GET} on the upload location, {@code Range} header); a session the registry
 * dropped starts over from byte 0.
 */
final class ChunkedUpload {
  private static final Pattern RANGE = Pattern.compile("(?:bytes=)?0-(-?[0-9]+)");
  private static final int MAX_FAILURES_IN_A_ROW = 3;

  private final HttpTransport http;

  ChunkedUpload(HttpTransport http) {
    this.http = http;
  }

  /** Opens an upload session in {@code name}; returns its location. */
  String start(String name) {
    String what = "start of an upload to " + http.host() + "/" + name;
    HttpResponse<InputStream> r = http.send("POST", http.uri("v2/" + name + "/blobs/uploads/"), BodyPublishers::noBody, Map.of(), what);
    HttpTransport.drain(r);
    http.expect(r, what, 202);
    return http.location(r, what);
  }

  /** Sends {@code [offset, offset+n)} of {@code source}'s file; returns the next upload location. */
  String patch(String location, UploadSource source, long offset, long n) {
    String range = offset + "-" + (offset + n - 1);
    String what = "chunk " + range + " of an upload to " + http.host();
    HttpResponse<InputStream> r;
    try {
      r = http.send("PATCH", http.resolve(location), () -> source.range(offset, n),
          Map.of("Content-Type", "application/octet-stream", "Content-Range", range), what);
    } catch (RegistryException e) {
      if (source.failure() != null) {
        throw source.failure(); // the local file, not the connection: not worth a retry
      }
      throw e;
    }
    HttpTransport.drain(r);
    http.expect(r, what, 202);
    http.moved(n);
    return http.location(r, what);
  }

  /** How many bytes the registry holds for an upload in progress (GET on its location, Range header). */
  long status(String location) {
    String what = "status of an upload to " + http.host();
    HttpResponse<InputStream> r = http.send("GET", http.resolve(location), null, Map.of(), what);
    HttpTransport.drain(r);
    http.expect(r, what, 204);
    Optional<String> range = r.headers().firstValue("Range");
    if (range.isEmpty()) {
      return 0;
    }
    Matcher m = RANGE.matcher(range.get().trim());
    if (!m.matches()) {
      throw new RegistryException(RegistryException.PROTOCOL, what + ": malformed Range header " + Printable.quoted(range.get()));
    }
    return Math.max(0, Long.parseLong(m.group(1)) + 1);
  }

  /**
   * Sends the rest of {@code source}'s file from {@code offset} in chunks. A chunk lost to a connection or
   * server error is retried (up to 3 times in a row) from where the registry says the upload is;
   * when the registry no longer knows the upload, it starts again from byte 0 (never once the
   * operation was interrupted or another blob's transfer failed). Returns the last
   * location, for {@link #complete}.
   */
  String send(String name, String location, UploadSource source, long size, long offset, long chunkSize) {
    int failures = 0;
    while (offset < size) {
      long n = Math.min(chunkSize, size - offset);
      try {
        location = patch(location, source, offset, n);
        offset += n;
        failures = 0;
      } catch (RegistryException e) {
        boolean transientFault = e.code().equals(RegistryException.CONNECTION) || e.code().equals(RegistryException.SERVER_ERROR);
        boolean stopped = BlobTransfers.stopped() || Thread.currentThread().isInterrupted();
        if (!transientFault || ++failures > MAX_FAILURES_IN_A_ROW || stopped) {
          throw e;
        }
        try {
          offset = status(location);
          if (offset <= 1) {
            // distribution answers "0-0" both for no bytes and for one byte: start afresh instead
            location = start(name);
            offset = 0;
          }
        } catch (RegistryException lost) {
          // The registry dropped the session (distribution cancels an upload whose state token
          // went stale when a chunk's answer was lost): start over rather than fail.
          if (lost.code().equals(RegistryException.CONNECTION) || lost.code().equals(RegistryException.UNAUTHORIZED)) {
            throw lost;
          }
          location = start(name);
          offset = 0;
        }
      }
    }
    return location;
  }

  /** Closes the session: the registry checks the digest and stores the blob. */
  void complete(String location, String digest) {
    String what = "completion of the upload of " + digest + " to " + http.host();
    HttpResponse<InputStream> r = http.send("PUT", http.withDigest(location, digest), BodyPublishers::noBody,
        Map.of("Content-Type", "application/octet-stream"), what);
    HttpTransport.drain(r);
    http.expect(r, what, 201);
  }
}
