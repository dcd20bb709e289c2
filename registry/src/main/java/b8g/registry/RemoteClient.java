package b8g.registry;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
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
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The OCI distribution API (v2) for one registry host, over the JDK HttpClient. Not a public
 * type: {@link Registry} is the entry. Thread-safe (the cached authorization is volatile).
 *
 * <p>Every manifest fetched is size-limited and digest-checked (against the digest asked for and
 * against {@code Docker-Content-Digest}); blobs are verified while they stream into the store.
 */
final class RemoteClient {
  private static final String ACCEPT_MANIFESTS = String.join(", ",
      MediaTypes.OCI_MANIFEST, MediaTypes.OCI_INDEX, MediaTypes.DOCKER_MANIFEST, MediaTypes.DOCKER_LIST);
  private static final Pattern PARAM = Pattern.compile("([A-Za-z]+)=\"([^\"]*)\"");
  private static final Pattern LINK = Pattern.compile("<([^>]+)>\\s*;\\s*rel=\"?next\"?");
  private static final int ERROR_BODY_LIMIT = 64 * 1024;

  private final HttpClient http;
  private final String host;
  private final URI base;
  private final Credentials.Login login;
  private final Duration requestTimeout;
  private final long maxManifestBytes;
  private final long maxBlobBytes;
  private final boolean insecure;
  private volatile String authorization;

  // What the last operations did; read by tests and reports.
  final AtomicInteger mounted = new AtomicInteger();
  final AtomicInteger uploaded = new AtomicInteger();
  private java.util.function.LongConsumer progress = n -> { };

  RemoteClient progress(java.util.function.LongConsumer bytesTransferred) {
    this.progress = bytesTransferred;
    return this;
  }

  RemoteClient(String host, boolean insecure, Credentials.Login login, Duration connectTimeout, Duration requestTimeout,
      long maxManifestBytes, long maxBlobBytes) {
    this.host = host;
    this.insecure = insecure || isLocal(host);
    this.base = URI.create((this.insecure ? "http://" : "https://") + host + "/");
    this.login = login;
    this.requestTimeout = requestTimeout;
    this.maxManifestBytes = maxManifestBytes;
    this.maxBlobBytes = maxBlobBytes;
    this.http = HttpClient.newBuilder()
        .version(HttpClient.Version.HTTP_1_1)
        .connectTimeout(connectTimeout)
        .followRedirects(HttpClient.Redirect.NORMAL)
        .build();
  }

  static boolean isLocal(String host) {
    String h = host.replaceFirst(":[0-9]+$", "");
    return h.equals("localhost") || h.equals("127.0.0.1") || h.equals("[::1]");
  }

  String host() {
    return host;
  }

  // ---- API ----

  void ping() {
    HttpResponse<InputStream> r = send("GET", uri("v2/"), null, Map.of(), "check of " + host);
    expect(r, "check of " + host, 200);
    drain(r);
  }

  boolean blobExists(String name, String digest) {
    HttpResponse<InputStream> r = send("HEAD", uri("v2/" + name + "/blobs/" + digest), null, Map.of(), "blob " + digest);
    drain(r);
    if (r.statusCode() == 404) {
      return false;
    }
    expect(r, "HEAD blob " + digest + " in " + host + "/" + name, 200);
    return true;
  }

  /** Streams a blob into the store, verified; nothing is stored unless all of it matched. */
  void fetchBlob(String name, Descriptor d, OciStore store) {
    checkBlobSize(d);
    String what = "blob " + d.digest() + " from " + host + "/" + name;
    HttpResponse<InputStream> r = send("GET", uri("v2/" + name + "/blobs/" + d.digest()), null, Map.of(), what);
    expect(r, what, 200);
    long declared = r.headers().firstValueAsLong("Content-Length").orElse(-1);
    if (declared > maxBlobBytes) {
      drain(r);
      throw new RegistryException(RegistryException.TOO_LARGE, what + " is " + declared + " bytes, over the limit of " + maxBlobBytes);
    }
    try (InputStream in = counted(new NetworkStream(r.body(), what))) {
      store.blobs().write(in, d.digest(), d.size());
    } catch (IOException e) {
      throw new RegistryException(RegistryException.CONNECTION, what + ": " + e, e);
    }
  }

  /** A small blob, verified, in memory (signature layers). */
  byte[] fetchSmallBlob(String name, Descriptor d, long limit) {
    String what = "blob " + d.digest() + " from " + host + "/" + name;
    if (d.size() > limit) {
      throw new RegistryException(RegistryException.TOO_LARGE, what + " declares " + d.size() + " bytes, over the limit of " + limit);
    }
    HttpResponse<InputStream> r = send("GET", uri("v2/" + name + "/blobs/" + d.digest()), null, Map.of(), what);
    expect(r, what, 200);
    byte[] b = readLimited(r.body(), limit, what);
    if (b.length != d.size()) {
      throw new RegistryException(RegistryException.DIGEST_MISMATCH, what + " has " + b.length + " bytes, expected " + d.size());
    }
    Digest.verify(b, d.digest(), what);
    return b;
  }

  /**
   * Makes the blob {@code d} (stored locally) present in {@code name}: skipped when it is there,
   * mounted from {@code mountFrom} when given and the registry agrees, else uploaded whole
   * (size up to {@code chunkSize}, or chunkSize 0) or in chunks.
   */
  void pushBlob(String name, Descriptor d, OciStore store, String mountFrom, long chunkSize) {
    if (blobExists(name, d.digest())) {
      return;
    }
    String location;
    if (mountFrom != null && !mountFrom.equals(name)) {
      String what = "mount of " + d.digest() + " from " + mountFrom + " into " + host + "/" + name;
      HttpResponse<InputStream> r = send("POST",
          uri("v2/" + name + "/blobs/uploads/?mount=" + enc(d.digest()) + "&from=" + enc(mountFrom)),
          BodyPublishers::noBody, Map.of(), what);
      drain(r);
      if (r.statusCode() == 201) {
        mounted.incrementAndGet();
        return;
      }
      expect(r, what, 202);
      location = location(r, what);
    } else {
      location = startUpload(name);
    }
    Path file = store.blobs().path(d.digest());
    store.blobs().check(d); // never send a corrupt local blob
    if (chunkSize <= 0 || d.size() <= chunkSize) {
      String what = "upload of " + d.digest() + " to " + host + "/" + name;
      HttpResponse<InputStream> r = send("PUT", withDigest(location, d.digest()), () -> ofFile(file),
          Map.of("Content-Type", "application/octet-stream"), what);
      expect(r, what, 201);
      drain(r);
      progress.accept(d.size());
    } else {
      location = uploadChunks(name, location, file, d.size(), 0, chunkSize);
      completeUpload(location, d.digest());
    }
    uploaded.incrementAndGet();
  }

  String startUpload(String name) {
    String what = "start of an upload to " + host + "/" + name;
    HttpResponse<InputStream> r = send("POST", uri("v2/" + name + "/blobs/uploads/"), BodyPublishers::noBody, Map.of(), what);
    drain(r);
    expect(r, what, 202);
    return location(r, what);
  }

  /** Sends {@code [offset, offset+n)} of {@code file}; returns the next upload location. */
  String patchChunk(String location, Path file, long offset, int n) {
    byte[] buf = new byte[n];
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
      ByteBuffer bb = ByteBuffer.wrap(buf);
      while (bb.hasRemaining()) {
        if (ch.read(bb, offset + bb.position()) < 0) {
          throw new RegistryException(RegistryException.IO, file + " is shorter than expected");
        }
      }
    } catch (IOException e) {
      throw new RegistryException(RegistryException.IO, "cannot read " + file + ": " + e, e);
    }
    String what = "chunk " + offset + "-" + (offset + n - 1) + " of an upload to " + host;
    HttpResponse<InputStream> r = send("PATCH", resolve(location), () -> BodyPublishers.ofByteArray(buf),
        Map.of("Content-Type", "application/octet-stream", "Content-Range", offset + "-" + (offset + n - 1)), what);
    drain(r);
    expect(r, what, 202);
    progress.accept(n);
    return location(r, what);
  }

  /** Reports every read to the progress listener. */
  private InputStream counted(InputStream in) {
    return new java.io.FilterInputStream(in) {
      @Override
      public int read() throws IOException {
        int b = super.read();
        if (b >= 0) {
          progress.accept(1);
        }
        return b;
      }

      @Override
      public int read(byte[] buf, int off, int len) throws IOException {
        int n = super.read(buf, off, len);
        if (n > 0) {
          progress.accept(n);
        }
        return n;
      }
    };
  }

  /** How many bytes the registry holds for an upload in progress (GET on its location, Range header). */
  long uploadStatus(String location) {
    String what = "status of an upload to " + host;
    HttpResponse<InputStream> r = send("GET", resolve(location), null, Map.of(), what);
    drain(r);
    expect(r, what, 204);
    Optional<String> range = r.headers().firstValue("Range");
    if (range.isEmpty()) {
      return 0;
    }
    Matcher m = Pattern.compile("(?:bytes=)?0-(-?[0-9]+)").matcher(range.get().trim());
    if (!m.matches()) {
      throw new RegistryException(RegistryException.PROTOCOL, what + ": malformed Range header '" + Strings.clip(range.get()) + "'");
    }
    return Math.max(0, Long.parseLong(m.group(1)) + 1);
  }

  /**
   * Sends the rest of {@code file} from {@code offset} in chunks. A chunk lost to a connection or
   * server error is retried (up to 3 times in a row) from where the registry says the upload is;
   * when the registry no longer knows the upload, it starts again from byte 0.
   */
  String uploadChunks(String name, String location, Path file, long size, long offset, long chunkSize) {
    int failures = 0;
    while (offset < size) {
      int n = (int) Math.min(chunkSize, size - offset);
      try {
        location = patchChunk(location, file, offset, n);
        offset += n;
        failures = 0;
      } catch (RegistryException e) {
        boolean transientFault = e.code().equals(RegistryException.CONNECTION) || e.code().equals(RegistryException.SERVER_ERROR);
        if (!transientFault || ++failures > 3) {
          throw e;
        }
        try {
          offset = uploadStatus(location);
        } catch (RegistryException lost) {
          // The registry dropped the session (distribution cancels an upload whose state token
          // went stale when a chunk's answer was lost): start over rather than fail.
          if (lost.code().equals(RegistryException.CONNECTION) || lost.code().equals(RegistryException.UNAUTHORIZED)) {
            throw lost;
          }
          location = startUpload(name);
          offset = 0;
        }
      }
    }
    return location;
  }

  void completeUpload(String location, String digest) {
    String what = "completion of the upload of " + digest + " to " + host;
    HttpResponse<InputStream> r = send("PUT", withDigest(location, digest), BodyPublishers::noBody,
        Map.of("Content-Type", "application/octet-stream"), what);
    drain(r);
    expect(r, what, 201);
  }

  record Fetched(byte[] bytes, String mediaType, String digest) {}

  /** A manifest by tag or digest: at most maxManifestBytes, digest checked. */
  Fetched getManifest(String name, String reference) {
    String what = "manifest " + host + "/" + name + (reference.startsWith("sha256:") ? "@" : ":") + reference;
    HttpResponse<InputStream> r = send("GET", uri("v2/" + name + "/manifests/" + reference), null,
        Map.of("Accept", ACCEPT_MANIFESTS), what);
    expect(r, what, 200);
    long declared = r.headers().firstValueAsLong("Content-Length").orElse(-1);
    if (declared > maxManifestBytes) {
      drain(r);
      throw new RegistryException(RegistryException.TOO_LARGE,
          what + " is " + declared + " bytes, over the manifest limit of " + maxManifestBytes);
    }
    byte[] bytes = readLimited(r.body(), maxManifestBytes, what);
    String digest = Digest.of(bytes);
    if (reference.startsWith("sha256:") && !digest.equals(reference)) {
      throw Digest.mismatch(reference, digest, what);
    }
    Optional<String> header = r.headers().firstValue("Docker-Content-Digest");
    if (header.isPresent() && header.get().startsWith("sha256:") && !header.get().equals(digest)) {
      throw Digest.mismatch(header.get(), digest, what + " (Docker-Content-Digest)");
    }
    String mediaType = r.headers().firstValue("Content-Type").orElse(MediaTypes.OCI_MANIFEST).split(";")[0].trim();
    return new Fetched(bytes, mediaType, digest);
  }

  Optional<Fetched> findManifest(String name, String reference) {
    try {
      return Optional.of(getManifest(name, reference));
    } catch (RegistryException e) {
      if (e.code().equals(RegistryException.NOT_FOUND)) {
        return Optional.empty();
      }
      throw e;
    }
  }

  /** Puts a manifest under a tag or its digest; returns true when the registry set OCI-Subject. */
  boolean putManifest(String name, String reference, String mediaType, byte[] bytes) {
    if (bytes.length > maxManifestBytes) {
      throw new RegistryException(RegistryException.TOO_LARGE, "manifest for " + host + "/" + name + " is "
          + bytes.length + " bytes, over the limit of " + maxManifestBytes);
    }
    String what = "push of manifest " + host + "/" + name + ":" + reference;
    HttpResponse<InputStream> r = send("PUT", uri("v2/" + name + "/manifests/" + reference),
        () -> BodyPublishers.ofByteArray(bytes), Map.of("Content-Type", mediaType), what);
    drain(r);
    expect(r, what, 201);
    String digest = Digest.of(bytes);
    Optional<String> header = r.headers().firstValue("Docker-Content-Digest");
    if (header.isPresent() && header.get().startsWith("sha256:") && !header.get().equals(digest)) {
      throw new RegistryException(RegistryException.DIGEST_MISMATCH,
          what + ": the registry stored it as " + header.get() + ", b8g computed " + digest);
    }
    return r.headers().firstValue("OCI-Subject").isPresent();
  }

  /** All tags of {@code name}, following {@code Link} pages of {@code pageSize}. */
  List<String> tags(String name, int pageSize) {
    List<String> out = new ArrayList<>();
    URI next = uri("v2/" + name + "/tags/list?n=" + pageSize);
    Set<URI> seen = new HashSet<>();
    while (next != null) {
      if (!seen.add(next) || seen.size() > 100_000) {
        throw new RegistryException(RegistryException.PROTOCOL, "tag list of " + host + "/" + name + " pages in a loop at " + next);
      }
      String what = "tag list of " + host + "/" + name;
      HttpResponse<InputStream> r = send("GET", next, null, Map.of(), what);
      expect(r, what, 200);
      JsonObject o = OciJson.parseObject(readLimited(r.body(), maxManifestBytes, what), what);
      JsonElement tags = o.get("tags");
      if (tags != null && tags.isJsonArray()) {
        for (JsonElement t : tags.getAsJsonArray()) {
          if (!t.isJsonPrimitive()) {
            throw new RegistryException(RegistryException.PROTOCOL, what + " holds a tag that is not a string");
          }
          out.add(t.getAsString());
        }
      }
      next = null;
      for (String link : r.headers().allValues("Link")) {
        Matcher m = LINK.matcher(link);
        if (m.find()) {
          next = base.resolve(m.group(1));
        }
      }
    }
    return out;
  }

  void deleteManifest(String name, String digest) {
    String what = "delete of " + host + "/" + name + "@" + digest;
    HttpResponse<InputStream> r = send("DELETE", uri("v2/" + name + "/manifests/" + digest), null, Map.of(), what);
    drain(r);
    expect(r, what, 202);
  }

  /**
   * Referrers of {@code digest}: the referrers API when the registry has it, else the tag schema
   * fallback (an index tagged {@code sha256-<hex>}).
   */
  List<Descriptor> referrers(String name, String digest) {
    String what = "referrers of " + host + "/" + name + "@" + digest;
    HttpResponse<InputStream> r = send("GET", uri("v2/" + name + "/referrers/" + digest), null,
        Map.of("Accept", MediaTypes.OCI_INDEX), what);
    if (r.statusCode() == 200) {
      return OciJson.parseIndex(readLimited(r.body(), maxManifestBytes, what), what).manifests();
    }
    drain(r);
    if (r.statusCode() == 401 || r.statusCode() == 403 || r.statusCode() >= 500) {
      expect(r, what, 200);
    }
    return findManifest(name, fallbackTag(digest))
        .map(f -> OciJson.parseIndex(f.bytes(), what + " (fallback tag " + fallbackTag(digest) + ")").manifests())
        .orElse(List.of());
  }

  static String fallbackTag(String digest) {
    return "sha256-" + Digest.hex(digest);
  }

  /** Adds {@code referrer} to the fallback index of {@code subject} (read-modify-write). */
  void addToFallback(String name, String subject, Descriptor referrer) {
    List<Descriptor> list = new ArrayList<>(findManifest(name, fallbackTag(subject))
        .map(f -> OciJson.parseIndex(f.bytes(), "referrers index of " + subject).manifests())
        .orElse(List.of()));
    if (list.stream().anyMatch(d -> d.digest().equals(referrer.digest()))) {
      return;
    }
    list.add(referrer);
    putManifest(name, fallbackTag(subject), MediaTypes.OCI_INDEX, OciJson.indexBytes(list));
  }

  // ---- plumbing ----

  private URI uri(String path) {
    return base.resolve(path);
  }

  private URI resolve(String location) {
    return base.resolve(location);
  }

  private URI withDigest(String location, String digest) {
    String loc = resolve(location).toString();
    return URI.create(loc + (loc.contains("?") ? "&" : "?") + "digest=" + enc(digest));
  }

  private static String enc(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8);
  }

  private static BodyPublisher ofFile(Path file) {
    try {
      return BodyPublishers.ofFile(file);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private String location(HttpResponse<?> r, String what) {
    return r.headers().firstValue("Location").orElseThrow(() ->
        new RegistryException(RegistryException.PROTOCOL, what + ": the registry sent no Location header"));
  }

  private void checkBlobSize(Descriptor d) {
    if (d.size() > maxBlobBytes) {
      throw new RegistryException(RegistryException.TOO_LARGE,
          "blob " + d.digest() + " declares " + d.size() + " bytes, over the limit of " + maxBlobBytes + " (raise maxBlobBytes)");
    }
  }

  /** One request; on a 401 it authenticates once from the challenge and repeats it. */
  private HttpResponse<InputStream> send(String method, URI uri, Supplier<BodyPublisher> body,
      Map<String, String> headers, String what) {
    for (int attempt = 0; ; attempt++) {
      HttpRequest.Builder b = HttpRequest.newBuilder(uri).timeout(requestTimeout)
          .method(method, body == null ? BodyPublishers.noBody() : body.get());
      headers.forEach(b::header);
      String auth = authorization;
      if (auth != null) {
        b.header("Authorization", auth);
      }
      HttpResponse<InputStream> r;
      try {
        r = http.send(b.build(), HttpResponse.BodyHandlers.ofInputStream());
      } catch (IOException | UncheckedIOException e) {
        throw new RegistryException(RegistryException.CONNECTION, what + ": " + method + " " + uri + " failed: " + e
            + " (is the registry running, is the address right" + (insecure ? "" : ", does it speak TLS") + "?)", e);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new RegistryException(RegistryException.CONNECTION, what + ": interrupted", e);
      }
      if (r.statusCode() == 401 && attempt == 0) {
        String challenge = r.headers().firstValue("WWW-Authenticate").orElse("");
        drain(r);
        authorization = authenticate(challenge, what);
        continue;
      }
      return r;
    }
  }

  private String authenticate(String challenge, String what) {
    String scheme = challenge.trim().split("\\s+", 2)[0].toLowerCase(Locale.ROOT);
    if (scheme.equals("basic")) {
      if (login == null) {
        throw new RegistryException(RegistryException.UNAUTHORIZED, what + ": " + host
            + " asks for a login and the credentials file has none for it; run: b8g registry login " + host);
      }
      return basic();
    }
    if (scheme.equals("bearer")) {
      Map<String, String> p = new LinkedHashMap<>();
      Matcher m = PARAM.matcher(challenge);
      while (m.find()) {
        p.put(m.group(1).toLowerCase(Locale.ROOT), m.group(2));
      }
      String realm = p.get("realm");
      if (realm == null) {
        throw new RegistryException(RegistryException.PROTOCOL, what + ": Bearer challenge without realm: " + Strings.clip(challenge));
      }
      URI realmUri;
      try {
        StringBuilder q = new StringBuilder(realm);
        String sep = realm.contains("?") ? "&" : "?";
        if (p.containsKey("service")) {
          q.append(sep).append("service=").append(enc(p.get("service")));
          sep = "&";
        }
        if (p.containsKey("scope")) {
          q.append(sep).append("scope=").append(enc(p.get("scope")));
        }
        realmUri = URI.create(q.toString());
      } catch (IllegalArgumentException e) {
        throw new RegistryException(RegistryException.PROTOCOL, what + ": bad realm " + Strings.clip(realm), e);
      }
      if (!"https".equals(realmUri.getScheme()) && !(insecure && "http".equals(realmUri.getScheme()))) {
        throw new RegistryException(RegistryException.REFUSED, what + ": token realm " + realmUri
            + " is not https; set insecure to allow it");
      }
      HttpRequest.Builder b = HttpRequest.newBuilder(realmUri).timeout(requestTimeout).GET();
      if (login != null) {
        b.header("Authorization", basic());
      }
      HttpResponse<InputStream> r;
      try {
        r = http.send(b.build(), HttpResponse.BodyHandlers.ofInputStream());
      } catch (IOException e) {
        throw new RegistryException(RegistryException.CONNECTION, what + ": token request to " + realmUri + " failed: " + e, e);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new RegistryException(RegistryException.CONNECTION, what + ": interrupted", e);
      }
      if (r.statusCode() == 401 || r.statusCode() == 403) {
        drain(r);
        throw new RegistryException(RegistryException.UNAUTHORIZED, what + ": the token service " + realmUri.getHost()
            + " refused " + (login == null ? "an anonymous request; run: b8g registry login " + host : "the credentials for " + host));
      }
      expect(r, what + " (token)", 200);
      JsonObject o = OciJson.parseObject(readLimited(r.body(), ERROR_BODY_LIMIT, "token"), "token response");
      JsonElement t = o.has("token") ? o.get("token") : o.get("access_token");
      if (t == null || !t.isJsonPrimitive()) {
        throw new RegistryException(RegistryException.PROTOCOL, what + ": token response without a token");
      }
      return "Bearer " + t.getAsString();
    }
    throw new RegistryException(RegistryException.UNAUTHORIZED, what + ": " + host + " demands authentication ("
        + Strings.clip(challenge) + ") that b8g does not speak");
  }

  private String basic() {
    return "Basic " + Base64.getEncoder().encodeToString((login.username() + ":" + login.password()).getBytes(StandardCharsets.UTF_8));
  }

  /** Fails with the registry's own error text unless the status is {@code ok}. */
  private void expect(HttpResponse<InputStream> r, String what, int ok) {
    int s = r.statusCode();
    if (s == ok) {
      return;
    }
    String detail = errorText(r);
    String code;
    String hint = "";
    if (s == 401 || s == 403) {
      code = RegistryException.UNAUTHORIZED;
      hint = login == null ? "; run: b8g registry login " + host : "; the credentials for " + host + " were refused";
    } else if (s == 404) {
      code = RegistryException.NOT_FOUND;
    } else if (s == 413) {
      code = RegistryException.TOO_LARGE;
    } else if (s >= 500) {
      code = RegistryException.SERVER_ERROR;
      hint = "; the registry failed, try again later";
    } else {
      code = RegistryException.PROTOCOL;
    }
    throw new RegistryException(code, what + ": " + r.request().method() + " " + r.uri() + " answered " + s
        + (detail.isEmpty() ? "" : " (" + detail + ")") + hint);
  }

  /** The distribution error format {@code {"errors":[{"code","message","detail"}]}} as one line. */
  static String errorText(HttpResponse<InputStream> r) {
    byte[] body;
    try (InputStream in = r.body()) {
      body = in.readNBytes(ERROR_BODY_LIMIT);
    } catch (IOException e) {
      return "";
    }
    return errorText(body);
  }

  static String errorText(byte[] body) {
    if (body.length == 0) {
      return "";
    }
    try {
      JsonObject o = OciJson.parseObject(body, "error body");
      JsonElement errors = o.get("errors");
      if (errors != null && errors.isJsonArray()) {
        List<String> parts = new ArrayList<>();
        for (JsonElement e : (JsonArray) errors) {
          if (!e.isJsonObject()) {
            continue;
          }
          JsonObject eo = e.getAsJsonObject();
          StringBuilder s = new StringBuilder();
          if (eo.has("code") && eo.get("code").isJsonPrimitive()) {
            s.append(eo.get("code").getAsString());
          }
          if (eo.has("message") && eo.get("message").isJsonPrimitive()) {
            s.append(s.length() > 0 ? ": " : "").append(eo.get("message").getAsString());
          }
          if (eo.has("detail") && !eo.get("detail").isJsonNull()) {
            JsonElement d = eo.get("detail");
            s.append(" [").append(d.isJsonPrimitive() ? d.getAsString() : d.toString()).append("]");
          }
          parts.add(Strings.clip(s.toString()));
        }
        if (!parts.isEmpty()) {
          return String.join("; ", parts);
        }
      }
    } catch (RegistryException notJson) {
      // fall through: plain text
    }
    return Strings.clip(new String(body, StandardCharsets.UTF_8).trim());
  }

  private static byte[] readLimited(InputStream body, long limit, String what) {
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

  private static void drain(HttpResponse<InputStream> r) {
    try (InputStream in = r.body()) {
      in.skip(ERROR_BODY_LIMIT);
    } catch (IOException ignored) {
      // the body is not needed; a broken connection is dropped by the client
    }
  }

  /** Turns a cut connection while streaming a blob into a registry error naming the blob. */
  private static final class NetworkStream extends java.io.FilterInputStream {
    private final String what;
    private long count;

    NetworkStream(InputStream in, String what) {
      super(in);
      this.what = what;
    }

    @Override
    public int read(byte[] b, int off, int len) {
      try {
        int n = super.read(b, off, len);
        if (n > 0) {
          count += n;
        }
        return n;
      } catch (IOException e) {
        throw new RegistryException(RegistryException.CONNECTION, what + ": connection lost after " + count
            + " bytes (" + e.getMessage() + "); nothing was stored, try again", e);
      }
    }

    @Override
    public int read() {
      byte[] one = new byte[1];
      int n = read(one, 0, 1);
      return n < 0 ? -1 : one[0] & 0xff;
    }
  }
}
