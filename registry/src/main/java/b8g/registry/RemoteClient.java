package b8g.registry;

import b8g.errors.Printable;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpRequest.BodyPublishers;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.LongConsumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The OCI distribution API (v2) operations on one registry host: blobs (exists, fetch, push by
 * mount, one PUT or {@link ChunkedUpload chunks}), manifests (get, put, delete), tag lists,
 * referrers and their fallback index. Requests go through {@link HttpTransport} (which
 * authenticates through {@link RegistryAuth} and decodes errors with {@link HttpErrors}). Not a
 * public type: {@link Registry} is the entry. Thread-safe.
 *
 * <p>Every manifest fetched is size-limited and digest-checked (against the digest asked for and
 * against {@code Docker-Content-Digest}); blobs are verified while they stream into the store.
 */
final class RemoteClient {
  private static final String ACCEPT_MANIFESTS = String.join(", ",
      MediaTypes.OCI_MANIFEST, MediaTypes.OCI_INDEX, MediaTypes.DOCKER_MANIFEST, MediaTypes.DOCKER_LIST);
  private static final Pattern LINK = Pattern.compile("<([^>]+)>\\s*;\\s*rel=\"?next\"?");

  private final HttpTransport http;
  private final ChunkedUpload chunks;
  private final String host;
  private final long maxManifestBytes;
  private final long maxBlobBytes;

  // What the last operations did; read by tests.
  final AtomicInteger mounted = new AtomicInteger();
  final AtomicInteger uploaded = new AtomicInteger();

  RemoteClient(String host, boolean insecure, Credentials.Login login, Duration connectTimeout, Duration requestTimeout,
      long maxManifestBytes, long maxBlobBytes) {
    this.host = host;
    this.http = new HttpTransport(host, insecure, login, connectTimeout, requestTimeout, maxManifestBytes);
    this.chunks = new ChunkedUpload(http);
    this.maxManifestBytes = maxManifestBytes;
    this.maxBlobBytes = maxBlobBytes;
  }

  /** Told the bytes of each blob part that crossed the network (see {@link Registry.Context#progress}). */
  RemoteClient progress(LongConsumer bytesTransferred) {
    http.progress(bytesTransferred);
    return this;
  }

  String host() {
    return host;
  }

  /** The upload sessions (chunked blob uploads) of this host. */
  ChunkedUpload chunks() {
    return chunks;
  }

  // ---- API ----

  void ping() {
    HttpResponse<InputStream> r = http.send("GET", http.uri("v2/"), null, Map.of(), "check of " + host);
    http.expect(r, "check of " + host, 200);
    HttpTransport.drain(r);
  }

  boolean blobExists(String name, String digest) {
    HttpResponse<InputStream> r = http.send("HEAD", http.uri("v2/" + name + "/blobs/" + digest), null, Map.of(), "blob " + digest);
    HttpTransport.drain(r);
    if (r.statusCode() == 404) {
      return false;
    }
    http.expect(r, "HEAD blob " + digest + " in " + host + "/" + name, 200);
    return true;
  }

  /**
   * Streams a blob into the store, verified; nothing is stored unless all of it matched. With
   * {@code keep}, returns the bytes that were verified and stored (else null).
   */
  byte[] fetchBlob(String name, Descriptor d, OciStore store, boolean keep) {
    checkBlobSize(d);
    String what = "blob " + d.digest() + " from " + host + "/" + name;
    BlobWriter writer = store.blobs().writer(d.digest(), d.size(), keep);
    try {
      http.download(http.uri("v2/" + name + "/blobs/" + d.digest()), writer, maxBlobBytes, what);
      if (BlobTransfers.stopped()) { // another blob's transfer failed: this operation stores nothing more
        throw new RegistryException(RegistryException.CONNECTION, what + ": stopped, another blob's transfer failed");
      }
      return writer.commit();
    } finally {
      writer.abort(); // nothing left after a commit; the temp file after a failure
    }
  }

  /** A small blob, verified, in memory (signature layers). */
  byte[] fetchSmallBlob(String name, Descriptor d, long limit) {
    String what = "blob " + d.digest() + " from " + host + "/" + name;
    if (d.size() > limit) {
      throw new RegistryException(RegistryException.TOO_LARGE, what + " declares " + d.size() + " bytes, over the limit of " + limit);
    }
    HttpResponse<InputStream> r = http.send("GET", http.uri("v2/" + name + "/blobs/" + d.digest()), null, Map.of(), what);
    http.expect(r, what, 200);
    byte[] b = HttpTransport.readLimited(r.body(), limit, what);
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
      HttpResponse<InputStream> r = http.send("POST",
          http.uri("v2/" + name + "/blobs/uploads/?mount=" + HttpTransport.enc(d.digest()) + "&from=" + HttpTransport.enc(mountFrom)),
          BodyPublishers::noBody, Map.of(), what);
      HttpTransport.drain(r);
      if (r.statusCode() == 201) {
        mounted.incrementAndGet();
        return;
      }
      http.expect(r, what, 202);
      location = http.location(r, what);
    } else {
      location = chunks.start(name);
    }
    // Never send a corrupt local blob: the file is hashed as it goes out and checked before the
    // upload is completed (a monolithic PUT completes as it ends; the registry checks the digest
    // in its URL, and a local mismatch is reported as such rather than as the registry's refusal).
    UploadSource source = new UploadSource(store.blobs(), d);
    if (chunkSize <= 0 || d.size() <= chunkSize) {
      String what = "upload of " + d.digest() + " to " + host + "/" + name;
      URI target = http.withDigest(location, d.digest());
      BlobUpload.Answer a = http.upload(target, source, d.size(), what);
      if (a != null) {
        source.verify();
        if (a.status() != 201) {
          throw http.failure(a.status(), "PUT " + target, a.detail(), what);
        }
      } else {
        // the registry asked for authentication or redirected: the client answers both
        HttpResponse<InputStream> r;
        try {
          r = http.send("PUT", target, () -> source.range(0, d.size()), Map.of("Content-Type", "application/octet-stream"), what);
        } catch (RegistryException e) {
          if (source.failure() != null) {
            throw source.failure();
          }
          throw e;
        }
        HttpTransport.drain(r);
        source.verify();
        http.expect(r, what, 201);
      }
      http.moved(d.size());
    } else {
      String last = chunks.send(name, location, source, d.size(), 0, chunkSize);
      source.verify();
      chunks.complete(last, d.digest());
    }
    uploaded.incrementAndGet();
  }

  record Fetched(byte[] bytes, String mediaType, String digest) {}

  /** A manifest by tag or digest: at most maxManifestBytes, digest checked. */
  Fetched getManifest(String name, String reference) {
    String what = "manifest " + host + "/" + name + (reference.startsWith("sha256:") ? "@" : ":") + reference;
    HttpResponse<InputStream> r = http.send("GET", http.uri("v2/" + name + "/manifests/" + reference), null,
        Map.of("Accept", ACCEPT_MANIFESTS), what);
    http.expect(r, what, 200);
    long declared = r.headers().firstValueAsLong("Content-Length").orElse(-1);
    if (declared > maxManifestBytes) {
      HttpTransport.drain(r);
      throw new RegistryException(RegistryException.TOO_LARGE,
          what + " is " + declared + " bytes, over the manifest limit of " + maxManifestBytes);
    }
    byte[] bytes = HttpTransport.readLimited(r.body(), maxManifestBytes, what);
    String digest = Digest.of(bytes);
    if (reference.startsWith("sha256:") && !digest.equals(reference)) {
      throw Digest.mismatch(reference, digest, what);
    }
    Optional<String> header = r.headers().firstValue("Docker-Content-Digest");
    if (header.isPresent() && header.get().startsWith("sha256:") && !header.get().equals(digest)) {
      throw Digest.mismatch(Printable.quoted(header.get()), digest, what + " (Docker-Content-Digest)");
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
    HttpResponse<InputStream> r = http.send("PUT", http.uri("v2/" + name + "/manifests/" + reference),
        () -> BodyPublishers.ofByteArray(bytes), Map.of("Content-Type", mediaType), what);
    HttpTransport.drain(r);
    http.expect(r, what, 201);
    String digest = Digest.of(bytes);
    Optional<String> header = r.headers().firstValue("Docker-Content-Digest");
    if (header.isPresent() && header.get().startsWith("sha256:") && !header.get().equals(digest)) {
      throw new RegistryException(RegistryException.DIGEST_MISMATCH,
          what + ": the registry stored it as " + Printable.quoted(header.get()) + ", b8g computed " + digest);
    }
    return r.headers().firstValue("OCI-Subject").isPresent();
  }

  /** All tags of {@code name}, following {@code Link} pages of {@code pageSize}. */
  List<String> tags(String name, int pageSize) {
    List<String> out = new ArrayList<>();
    URI next = http.uri("v2/" + name + "/tags/list?n=" + pageSize);
    Set<URI> seen = new HashSet<>();
    while (next != null) {
      if (!seen.add(next) || seen.size() > 100_000) {
        throw new RegistryException(RegistryException.PROTOCOL, "tag list of " + host + "/" + name + " pages in a loop at " + next);
      }
      String what = "tag list of " + host + "/" + name;
      HttpResponse<InputStream> r = http.send("GET", next, null, Map.of(), what);
      http.expect(r, what, 200);
      JsonObject o = OciJson.parseObject(HttpTransport.readLimited(r.body(), maxManifestBytes, what), what);
      JsonElement tags = o.get("tags");
      if (tags != null && tags.isJsonArray()) {
        for (JsonElement t : tags.getAsJsonArray()) {
          if (!t.isJsonPrimitive()) {
            throw new RegistryException(RegistryException.PROTOCOL, what + " holds a tag that is not a string");
          }
          // A tag is printed as it is (b8g registry ls): one outside the tag grammar is refused.
          if (!Reference.TAG.matcher(t.getAsString()).matches()) {
            throw new RegistryException(RegistryException.PROTOCOL, what + " holds the tag " + Printable.quoted(t.getAsString())
                + ", which is not a tag ([A-Za-z0-9_][A-Za-z0-9_.-]{0,127})");
          }
          out.add(t.getAsString());
        }
      }
      next = null;
      for (String link : r.headers().allValues("Link")) {
        Matcher m = LINK.matcher(link);
        if (m.find()) {
          next = http.resolve(m.group(1));
        }
      }
    }
    return out;
  }

  void deleteManifest(String name, String digest) {
    String what = "delete of " + host + "/" + name + "@" + digest;
    HttpResponse<InputStream> r = http.send("DELETE", http.uri("v2/" + name + "/manifests/" + digest), null, Map.of(), what);
    HttpTransport.drain(r);
    http.expect(r, what, 202);
  }

  /**
   * Referrers of {@code digest}: the referrers API when the registry has it, else the tag schema
   * fallback (an index tagged {@code sha256-<hex>}).
   */
  List<Descriptor> referrers(String name, String digest) {
    String what = "referrers of " + host + "/" + name + "@" + digest;
    HttpResponse<InputStream> r = http.send("GET", http.uri("v2/" + name + "/referrers/" + digest), null,
        Map.of("Accept", MediaTypes.OCI_INDEX), what);
    if (r.statusCode() == 200) {
      return OciJson.parseIndex(HttpTransport.readLimited(r.body(), maxManifestBytes, what), what).manifests();
    }
    HttpTransport.drain(r);
    if (r.statusCode() == 401 || r.statusCode() == 403 || r.statusCode() >= 500) {
      http.expect(r, what, 200);
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

  private void checkBlobSize(Descriptor d) {
    if (d.size() > maxBlobBytes) {
      throw new RegistryException(RegistryException.TOO_LARGE,
          "blob " + d.digest() + " declares " + d.size() + " bytes, over the limit of " + maxBlobBytes + " (raise maxBlobBytes)");
    }
  }
}
