package b8g.registry;

import java.util.List;
import java.util.Map;

/**
 * What one reference names, behind one interface whether it lives in the embedded store ({@link
 * StoreBackend}, a reference without a host) or in one repository of a remote registry ({@link
 * RemoteBackend}). {@link Registry} picks the backend of each reference once and runs every
 * operation through it; the embedded store keeps a verified copy of whatever a remote backend
 * brings in.
 */
interface Backend {
  /** The manifest the reference names now; nothing is stored. */
  Resolved resolve();

  /** The manifest, with its blobs and signatures present and verified in the store; tags nothing. */
  Resolved fetch();

  /**
   * {@link #fetch()}, then the store names it as the reference (a remote one as {@code host/repo:tag}).
   * The bytes of each unit blob (config, layers) it downloaded and verified on the way are put in
   * {@code verified} by digest, so that the caller need not read them back from the store.
   */
  Resolved pull(Map<String, byte[]> verified);

  /**
   * Makes the stored manifest {@code digest} (with its blobs and stored signatures) available under
   * the reference; the store already has it. {@code mountFrom}: a repository of the same registry
   * whose blobs may be mounted instead of uploaded, or null.
   */
  void publish(String digest, String mountFrom);

  /** Makes the stored signature manifest {@code referrer} of {@code subject} available beside the reference. */
  void publishReferrer(String referrer, String subject);

  /** The referrers (signatures among them) of {@code digest} where the reference lives. */
  List<Descriptor> referrers(String digest);

  /** A referrer's manifest bytes, verified against {@code digest}. */
  byte[] manifest(String digest);

  /** A signature layer's bytes, verified against {@code layer}. */
  byte[] signature(Descriptor layer);

  /** Brings the config and layers of {@code m} into the store, verified, where they are missing. */
  void storeBlobs(OciJson.Manifest m);

  /** The references of the reference's repository ({@code name:tag}). */
  List<String> tags();

  /** Removes what the reference names where it lives, beyond the store's tags; returns how many names went. */
  int delete();
}
