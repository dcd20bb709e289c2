package b8g.registry;

import b8g.errors.Printable;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpRequest.BodyPublisher;
import java.net.http.HttpRequest.BodyPublishers;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.function.Function;
import java.util.function.LongConsumer;
import java.util.function.Supplier;

/**
 * The transport to one registry host: HTTP/1.1 over the JDK HttpClient ({@code https}, or plain
 * {@code http} for localhost and when insecure). Builds request URIs (from paths and from the
 * {@code Location} headers the registry hands out), sends a request, authenticating once through
 * {@link RegistryAuth} when it is answered 401, checks the status (failures decoded by {@link
 * HttpErrors}), reads bodies under a size limit (collected within the exchange: {@link
 * CollectedBody}); blob bodies come down through {@link BlobDownload} (a socket of its own, read at
 * a fraction of the HttpClient's CPU) and go up through {@link BlobUpload}, every byte reported to
 * the progress listener. An interrupt of the thread sending a request cancels it ({@link #call}).
 */
final class HttpTransport {
  private final HttpClient http;
  private final String host;
  private final URI base;
  private final boolean insecure;
  private final Duration requestTimeout;
  private final RegistryAuth auth;
  private final BlobDownload blobs;
  private final BlobUpload uploads;
  private final long maxBodyBytes;
  private volatile LongConsumer progress = n -> { };

  /** Bodies of answers through the HttpClient are collected up to {@code maxBodyBytes} (see {@link CollectedBody}). */
  HttpTransport(String host, boolean insecure, Credentials.Login login, Duration connectTimeout, Duration requestTimeout,
      long maxBodyBytes) {
    this.maxBodyBytes = Math.max(maxBodyBytes, HttpErrors.BODY_LIMIT);
    this.host = host;
    this.insecure = insecure || isLocal(host);
    this.base = URI.create((this.insecure ? "http://" : "https://") + host + "/");
    this.requestTimeout = requestTimeout;
    this.http = HttpClient.newBuilder()
        .version(HttpClient.Version.HTTP_1_1)
        .connectTimeout(connectTimeout)
        .followRedirects(HttpClient.Redirect.NEVER) // followed by send: Authorization goes to the registry's origin only
        .build();
    this.auth = new RegistryAuth(host, login, this.insecure, http, requestTimeout);
    this.blobs = new BlobDownload(this, auth, this.insecure, connectTimeout, requestTimeout);
    this.uploads = new BlobUpload(auth, connectTimeout, requestTimeout);
  }

  static boolean isLocal(String host) {
    String h = host.replaceFirst(":[0-9]+$", "");
    return h.equals("localhost") || h.equals("127.0.0.1") || h.equals("[::1]");
  }

  String host() {
    return host;
  }

  void progress(LongConsumer bytesTransferred) {
    this.progress = bytesTransferred;
  }

  /** Tells the progress listener that {@code n} more bytes crossed the network (one call at a time). */
  void moved(long n) {
    synchronized (this) { // blobs move on several threads; the listener sees one call at a time
      progress.accept(n);
    }
  }

  URI uri(String path) {
    return base.resolve(path);
  }

  /** An upload location as the registry sent it (often relative), against the base. */
  URI resolve(String location) {
    return base.resolve(location);
  }

  /** The upload location with {@code digest=} added (the request that completes an upload). */
  URI withDigest(String location, String digest) {
    String loc = resolve(location).toString();
    return URI.create(loc + (loc.contains("?") ? "&" : "?") + "digest=" + enc(digest));
  }

  static String enc(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8);
  }

  /**
   * One request; on a 401 from the registry's own origin it authenticates once from the challenge
   * and repeats it. Redirects (301, 302, 303, 307, 308) are followed here, at most {@value
   * BlobDownload#MAX_REDIRECTS}, never from https to http unless insecure, as {@link BlobDownload}
   * follows them: the {@code Authorization} header goes to the registry's own origin (scheme, host,
   * port) only, never to a host it redirects to. A 303, and a 301 or 302 of a {@code POST}, is
   * followed with a {@code GET} without a body; other redirects repeat the method and body.
   */
  HttpResponse<InputStream> send(String method, URI uri, Supplier<BodyPublisher> body, Map<String, String> headers, String what) {
    URI registry = uri("");
    URI at = uri;
    String m = method;
    Supplier<BodyPublisher> b = body;
    String answered = null; // this request's own answer to a 401, sent with its retry
    for (int redirects = 0; ; ) {
      boolean own = BlobDownload.sameOrigin(at, registry);
      HttpRequest.Builder rb = HttpRequest.newBuilder(at).timeout(requestTimeout)
          .method(m, b == null ? BodyPublishers.noBody() : b.get());
      for (Map.Entry<String, String> h : headers.entrySet()) {
        rb.header(h.getKey(), headerValue(h.getKey(), h.getValue(), what));
      }
      String authorization = own ? (answered != null ? answered : auth.header()) : null;
      if (authorization != null) {
        rb.header("Authorization", headerValue("Authorization", authorization, what));
      }
      String request = m + " " + at;
      HttpResponse<InputStream> r = call(http, rb.build(), maxBodyBytes, what, e -> request + " failed: " + e
          + " (is the registry running, is the address right" + (insecure ? "" : ", does it speak TLS") + "?)");
      int s = r.statusCode();
      if (s == 401 && own && answered == null) {
        String challenge = r.headers().firstValue("WWW-Authenticate").orElse("");
        drain(r);
        answered = auth.answer(challenge, what);
        continue;
      }
      if (s == 301 || s == 302 || s == 303 || s == 307 || s == 308) {
        String location = r.headers().firstValue("Location").orElse(null);
        drain(r);
        if (location == null) {
          throw new RegistryException(RegistryException.PROTOCOL, what + ": " + request + " answered " + s + " without a Location");
        }
        if (++redirects > BlobDownload.MAX_REDIRECTS) {
          throw new RegistryException(RegistryException.PROTOCOL, what + ": more than " + BlobDownload.MAX_REDIRECTS
              + " redirects, the last to " + Printable.quoted(location));
        }
        URI next = BlobDownload.resolve(at, location, what);
        if ("https".equals(at.getScheme()) && !"https".equals(next.getScheme()) && !insecure) {
          throw new RegistryException(RegistryException.REFUSED, what + ": " + at + " redirects to " + Printable.quoted(next.toString())
              + ", which is not https; set insecure to allow it");
        }
        if (s == 303 && !m.equals("HEAD") || (s == 301 || s == 302) && m.equals("POST")) {
          m = "GET";
          b = null;
        }
        at = next;
        continue;
      }
      return r;
    }
  }

  /**
   * {@code value} when it may go into header {@code name} as it is: no CR, LF or other control
   * character (but tab), which would end the header and start another on the wire.
   */
  static String headerValue(String name, String value, String what) {
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      if (c < 0x20 && c != '\t' || c == 0x7f) {
        throw new RegistryException(RegistryException.PROTOCOL, what + ": the " + name + " header value has control character 0x"
            + Integer.toHexString(c) + " at index " + i + "; refused (it would inject header lines)");
      }
    }
    return value;
  }

  /**
   * Sends {@code request}; a failed or interrupted exchange becomes a connection error about
   * {@code what}. An interrupt of the calling thread (the caller's, or {@link BlobTransfers}
   * stopping a batch) cancels the exchange, which closes its connection, whether the request is
   * still going out, its answer has not come or its body is coming: the body (at most {@code
   * bodyLimit + 1} bytes of it) is collected within the exchange ({@link CollectedBody}).
   */
  static HttpResponse<InputStream> call(HttpClient http, HttpRequest request, long bodyLimit, String what,
      Function<Exception, String> failure) {
    CompletableFuture<HttpResponse<InputStream>> exchange = http.sendAsync(request, CollectedBody.handler(bodyLimit));
    try {
      return exchange.get();
    } catch (ExecutionException e) {
      Throwable cause = e.getCause();
      if (cause instanceof IOException || cause instanceof UncheckedIOException) {
        throw new RegistryException(RegistryException.CONNECTION, what + ": " + failure.apply((Exception) cause), cause);
      }
      if (cause instanceof RuntimeException re) {
        throw re; // what send would throw: a bad request (IllegalArgumentException) and the like
      }
      if (cause instanceof Error err) {
        throw err;
      }
      throw new RegistryException(RegistryException.CONNECTION, what + ": " + failure.apply(e), cause);
    } catch (InterruptedException e) {
      exchange.cancel(true);
      Thread.currentThread().interrupt();
      throw new RegistryException(RegistryException.CONNECTION, what + ": interrupted, the request was cancelled", e);
    }
  }

  /** Fails with the registry's own error text unless the status is {@code ok}. */
  void expect(HttpResponse<InputStream> r, String what, int ok) {
    HttpErrors.expect(r, what, ok, auth.refusalHint());
  }

  /** The {@code Location} header, which the protocol requires on this answer. */
  String location(HttpResponse<?> r, String what) {
    return r.headers().firstValue("Location").orElseThrow(() ->
        new RegistryException(RegistryException.PROTOCOL, what + ": the registry sent no Location header"));
  }

  /**
   * Streams the blob body of {@code GET uri} into {@code writer} (see {@link BlobDownload}),
   * failing when the registry declares more than {@code limit} bytes; the caller commits.
   */
  void download(URI uri, BlobWriter writer, long limit, String what) {
    blobs.get(uri, writer, limit, what);
  }

  /**
   * {@code PUT uri} with the first {@code n} bytes of {@code source} (see {@link BlobUpload});
   * null when the registry asked for authentication or redirected, which {@link #send} handles.
   */
  BlobUpload.Answer upload(URI uri, UploadSource source, long n, String what) {
    return uploads.put(uri, source, n, what);
  }

  /** The error for an unexpected status of a request made outside {@link #send}. */
  RegistryException failure(int status, String request, String detail, String what) {
    return HttpErrors.failure(status, request, detail, what, auth.refusalHint());
  }

  /** The whole body, failing when it is over {@code limit} bytes (read at most limit + 1). */
  static byte[] readLimited(InputStream body, long limit, String what) {
    try (InputStream in = body) {
      byte[] b = in.readNBytes((int) Math.min(Integer.MAX_VALUE - 8, limit + 1));
      if (b.length > limit) {
        throw new RegistryException(RegistryException.TOO_LARGE, what + " is over the limit of " + limit + " bytes");
      }
      return b;
    } catch (IOException e) {
      throw new RegistryException(RegistryException.CONNECTION, what + ": connection lost while reading: " + e, e);
    }
  }

  /** Discards a body that is not needed (at most {@link HttpErrors#BODY_LIMIT} bytes of it are read). */
  static void drain(HttpResponse<InputStream> r) {
    try (InputStream in = r.body()) {
      in.skip(HttpErrors.BODY_LIMIT);
    } catch (IOException ignored) {
      // the body is not needed; a broken connection is dropped by the client
    }
  }
}
