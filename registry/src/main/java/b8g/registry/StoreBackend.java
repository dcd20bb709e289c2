package b8g.registry;

import java.util.List;
import java.util.Map;

/**
 * A reference without a host: it names the embedded store only. Everything is there already, so
 * fetching is resolving and publishing is nothing; manifests and blobs are read verified from the
 * store's {@link Blobs}, names and referrers from its {@link StoreIndex}.
 */
final class StoreBackend implements Backend {
  private final Reference ref;
  private final OciStore store;

  StoreBackend(Reference ref, OciStore store) {
    this.ref = ref;
    this.store = store;
  }

  @Override
  public Resolved resolve() {
    String digest;
    if (ref.tag() != null) {
      Descriptor d = store.index().resolve(ref.storeTag()).orElseThrow(() -> new RegistryException(RegistryException.NOT_FOUND,
          "no " + ref + " in the store " + store.root() + " (b8g registry ls lists what is there)"));
      digest = d.digest();
      if (ref.digest() != null && !ref.digest().equals(digest)) {
        throw new RegistryException(RegistryException.DIGEST_MISMATCH, ref + ": the tag points at " + digest + ", not at " + ref.digest());
      }
    } else {
      digest = ref.digest();
      if (!store.blobs().has(digest)) {
        throw new RegistryException(RegistryException.NOT_FOUND, "no manifest " + digest + " in the store " + store.root());
      }
    }
    return Resolved.of(store.blobs().readManifest(digest), digest, ref.toString());
  }

  @Override
  public Resolved fetch() {
    return resolve();
  }

  @Override
  public Resolved pull(Map<String, byte[]> verified) {
    return resolve();
  }

  @Override
  public void publish(String digest, String mountFrom) {
    // stored and tagged by the caller already
  }

  @Override
  public void publishReferrer(String referrer, String subject) {
    // recorded in the store by the caller already
  }

  @Override
  public List<Descriptor> referrers(String digest) {
    return store.index().referrers(digest);
  }

  @Override
  public byte[] manifest(String digest) {
    return store.blobs().readManifest(digest);
  }

  @Override
  public byte[] signature(Descriptor layer) {
    return store.blobs().read(layer);
  }

  @Override
  public void storeBlobs(OciJson.Manifest m) {
    // in the store already (read and verified by the caller)
  }

  @Override
  public List<String> tags() {
    return store.index().tags().stream().filter(ref::namesRepositoryOf).toList();
  }

  @Override
  public int delete() {
    return 0; // the caller drops the store's tags
  }
}
