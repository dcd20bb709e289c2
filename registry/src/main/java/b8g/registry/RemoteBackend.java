package b8g.registry;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;

/**
 * A reference with a host: one repository of a remote registry, reached through its {@link
 * RemoteClient}. What is fetched lands verified in the embedded store (blobs first, the manifest
 * and its signatures after, tags last); what is published is read from the store and uploaded
 * (blobs, mounted within the host where possible, then the manifest, then its signatures, through
 * the referrers fallback index when the registry does not index them itself).
 */
final class RemoteBackend implements Backend {
  private static final Pattern FALLBACK_TAG = Pattern.compile("sha256-[a-f0-9]{64}");
  /** A signature layer is 64 bytes; nothing larger is downloaded for one. */
  private static final long SIGNATURE_LIMIT = 1024;

  private final Reference ref;
  private final RemoteClient client;
  private final String repository;
  private final OciStore store;
  private final long chunkSize;
  private final int tagPageSize;

  RemoteBackend(Reference ref, RemoteClient client, OciStore store, long chunkSize, int tagPageSize) {
    this.ref = ref;
    this.client = client;
    this.repository = ref.repository();
    this.store = store;
    this.chunkSize = chunkSize;
    this.tagPageSize = tagPageSize;
  }

  @Override
  public Resolved resolve() {
    RemoteClient.Fetched f = client.getManifest(repository, ref.remoteReference());
    return Resolved.of(f.bytes(), f.digest(), ref.toString());
  }

  @Override
  public Resolved fetch() {
    return fetch(null);
  }

  private Resolved fetch(Map<String, byte[]> verified) {
    Resolved x = resolve();
    OciJson.Manifest m = x.unitManifest(ref.toString());
    Unit.checkConfigSize(m, ref.toString()); // before anything is downloaded
    storeBlobs(m, verified);
    store.blobs().write(x.bytes());
    for (Descriptor d : client.referrers(repository, x.digest())) {
      if (!MediaTypes.SIGNATURE.equals(d.artifactType())) {
        continue;
      }
      RemoteClient.Fetched f = client.getManifest(repository, d.digest());
      OciJson.Manifest sm = OciJson.parseManifest(f.bytes(), "signature " + d.digest());
      if (sm.subject() == null || !x.digest().equals(sm.subject().digest())) {
        continue;
      }
      storeBlobs(sm, null);
      store.blobs().write(f.bytes());
      store.index().addReferrer(new Descriptor(MediaTypes.OCI_MANIFEST, f.digest(), f.bytes().length, MediaTypes.SIGNATURE, Map.of()), x.digest());
    }
    return x;
  }

  @Override
  public Resolved pull(Map<String, byte[]> verified) {
    Resolved x = fetch(verified);
    store.index().tag(ref.storeTag(), x.descriptor());
    return x;
  }

  @Override
  public void storeBlobs(OciJson.Manifest m) {
    storeBlobs(m, null);
  }

  /** Downloads what the store lacks; with {@code verified}, keeps the downloaded bytes there by digest. */
  private void storeBlobs(OciJson.Manifest m, Map<String, byte[]> verified) {
    List<Descriptor> missing = blobsOf(m).stream().filter(d -> !store.blobs().has(d.digest())).toList();
    Map<String, byte[]> got = new ConcurrentHashMap<>();
    BlobTransfers.each(missing, d -> {
      byte[] b = client.fetchBlob(repository, d, store, verified != null);
      if (b != null) {
        got.put(d.digest(), b);
      }
    });
    if (verified != null) {
      verified.putAll(got);
    }
  }

  /** Uploads a stored manifest, its blobs and its stored signatures. */
  @Override
  public void publish(String digest, String mountFrom) {
    byte[] bytes = store.blobs().readManifest(digest);
    OciJson.Manifest m = OciJson.parseManifest(bytes, "manifest " + digest);
    pushBlobs(m, mountFrom);
    client.putManifest(repository, ref.tag() != null ? ref.tag() : digest, m.mediaType(), bytes);
    for (Descriptor sig : store.index().referrers(digest)) {
      pushReferrer(sig.digest(), digest, mountFrom);
    }
  }

  @Override
  public void publishReferrer(String referrer, String subject) {
    pushReferrer(referrer, subject, null);
  }

  private void pushReferrer(String referrerDigest, String subject, String mountFrom) {
    byte[] bytes = store.blobs().readManifest(referrerDigest);
    OciJson.Manifest m = OciJson.parseManifest(bytes, "referrer " + referrerDigest);
    pushBlobs(m, mountFrom);
    boolean registryIndexes = client.putManifest(repository, referrerDigest, MediaTypes.OCI_MANIFEST, bytes);
    if (!registryIndexes) {
      client.addToFallback(repository, subject,
          new Descriptor(MediaTypes.OCI_MANIFEST, referrerDigest, bytes.length, m.artifactType(), m.annotations()));
    }
  }

  private void pushBlobs(OciJson.Manifest m, String mountFrom) {
    BlobTransfers.each(blobsOf(m), d -> client.pushBlob(repository, d, store, mountFrom, chunkSize));
  }

  /** The config and layers, each digest once (a manifest may name the same blob twice). */
  private static List<Descriptor> blobsOf(OciJson.Manifest m) {
    Map<String, Descriptor> blobs = new LinkedHashMap<>();
    blobs.putIfAbsent(m.config().digest(), m.config());
    m.layers().forEach(d -> blobs.putIfAbsent(d.digest(), d));
    return new ArrayList<>(blobs.values());
  }

  @Override
  public List<Descriptor> referrers(String digest) {
    return client.referrers(repository, digest);
  }

  @Override
  public byte[] manifest(String digest) {
    return client.getManifest(repository, digest).bytes();
  }

  @Override
  public byte[] signature(Descriptor layer) {
    return client.fetchSmallBlob(repository, layer, SIGNATURE_LIMIT);
  }

  /** The repository's tags in the registry (paged), without the {@code sha256-*} referrer fallback tags. */
  @Override
  public List<String> tags() {
    return client.tags(repository, tagPageSize).stream()
        .filter(t -> !FALLBACK_TAG.matcher(t).matches())
        .map(t -> ref.name() + ":" + t)
        .toList();
  }

  /** Deletes the manifest in the registry by digest, so every tag pointing at it goes. */
  @Override
  public int delete() {
    String digest = ref.digest() != null ? ref.digest() : client.getManifest(repository, ref.tag()).digest();
    client.deleteManifest(repository, digest);
    return 1;
  }
}
