package b8g.registry;

import b8g.errors.Printable;
import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.function.Function;
import java.util.Set;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The registry module's entry, and its one role: the public operations (with their {@link
 * Context}) over an embedded OCI-layout store under {@code $B8G_HOME/store} and remote OCI
 * registries. Every operation takes a reference string (grammar in {@link Reference} and
 * README.md) and runs through that reference's {@link Backend}: without a host it names the
 * embedded store only ({@link StoreBackend}); with a host the operation talks to that registry
 * ({@link RemoteBackend}), keeping a verified copy in the store. The store itself is {@link
 * OciStore}'s, the protocol {@link RemoteClient}'s.
 *
 * <p>Guarantees: a failed operation leaves the store consistent and loses nothing stored before
 * (blobs land whole or not at all; tags are written only after everything they reach is stored
 * and verified). Every byte read back is checked against its digest. Thread-safe.
 *
 * <pre>{@code
 * try (Registry registry = Registry.open(new Registry.Context().home(dir))) {
 *   registry.push(Unit.fromDirectory(src, "app.txtpb"), "localhost:5000/demo/app:1.0");
 *   registry.pull("localhost:5000/demo/app:1.0").extractTo(target);
 * }
 * }</pre>
 */
public final class Registry implements AutoCloseable {
  private static final byte[] EMPTY_JSON = "{}".getBytes(StandardCharsets.UTF_8);

  /** Configuration of a {@link Registry}; {@link #conclude()} fills defaults and validates. */
  public static final class Context {
    private Path home;
    private Path credentialsFile;
    private boolean insecure;
    private Duration connectTimeout = Duration.ofSeconds(10);
    private Duration requestTimeout = Duration.ofMinutes(5);
    /** The largest {@link #maxManifestBytes} that may be set: 256 MiB. */
    public static final long MANIFEST_LIMIT_CAP = 256L * 1024 * 1024;
    private long maxManifestBytes = 4L * 1024 * 1024;
    private long maxBlobBytes = 2L * 1024 * 1024 * 1024;
    private long chunkSize = 128L * 1024 * 1024;
    private int tagPageSize = 100;
    private java.util.function.LongConsumer progress = n -> { };

    /** b8g's home; default {@code $B8G_HOME}, else {@code ~/.b8g}. The store is {@code home/store}. */
    public Context home(Path home) {
      this.home = home;
      return this;
    }

    public Path home() {
      return home;
    }

    /** Basic-auth credentials (Docker config.json shape, mode 0600); default {@code home/credentials.json}. */
    public Context credentialsFile(Path file) {
      this.credentialsFile = file;
      return this;
    }

    public Path credentialsFile() {
      return credentialsFile;
    }

    /** Allow plain http to every host. Off by default; localhost and 127.0.0.1 always use http. */
    public Context insecure(boolean insecure) {
      this.insecure = insecure;
      return this;
    }

    public boolean insecure() {
      return insecure;
    }

    public Context connectTimeout(Duration d) {
      this.connectTimeout = d;
      return this;
    }

    public Duration connectTimeout() {
      return connectTimeout;
    }

    /** Per-request timeout (a whole blob upload or download is one request). */
    public Context requestTimeout(Duration d) {
      this.requestTimeout = d;
      return this;
    }

    public Duration requestTimeout() {
      return requestTimeout;
    }

    /**
     * Largest manifest or index accepted, default 4 MiB; 1 byte to {@value #MANIFEST_LIMIT_CAP}
     * (it is read into memory), else an {@link IllegalArgumentException}.
     */
    public Context maxManifestBytes(long n) {
      if (n < 1 || n > MANIFEST_LIMIT_CAP) {
        throw new IllegalArgumentException("maxManifestBytes " + n + " is not between 1 and " + MANIFEST_LIMIT_CAP);
      }
      this.maxManifestBytes = n;
      return this;
    }

    public long maxManifestBytes() {
      return maxManifestBytes;
    }

    /** Largest blob accepted, default 2 GiB; at least 1, else an {@link IllegalArgumentException}. */
    public Context maxBlobBytes(long n) {
      if (n < 1) {
        throw new IllegalArgumentException("maxBlobBytes " + n + " is not positive");
      }
      this.maxBlobBytes = n;
      return this;
    }

    public long maxBlobBytes() {
      return maxBlobBytes;
    }

    /**
     * Blobs larger than this are uploaded in chunks of this size (0: always in one request).
     * Default 128 MiB: each chunk costs the registry a resumption of its upload (distribution 2.8
     * took 1.4x as long for a 64 MiB blob in 16 MiB chunks as in one request), while a chunk is what
     * a lost connection makes b8g send again.
     */
    public Context chunkSize(long n) {
      this.chunkSize = n;
      return this;
    }

    public long chunkSize() {
      return chunkSize;
    }

    /**
     * Told the number of bytes each time a part of a blob crossed the network (downloads as they
     * stream, uploads per request or chunk), for progress displays. Called on the calling thread
     * or on one of the threads that move a manifest's blobs concurrently, one call at a time.
     */
    public Context progress(java.util.function.LongConsumer bytesTransferred) {
      this.progress = bytesTransferred;
      return this;
    }

    public java.util.function.LongConsumer progress() {
      return progress;
    }

    /** Page size ({@code n}) when listing tags of a remote repository; default 100. */
    public Context tagPageSize(int n) {
      this.tagPageSize = n;
      return this;
    }

    public int tagPageSize() {
      return tagPageSize;
    }

    /** Fills defaults and validates; returns this. */
    public Context conclude() {
      if (home == null) {
        String env = System.getenv("B8G_HOME");
        home = env != null && !env.isEmpty() ? Path.of(env) : Path.of(System.getProperty("user.home"), ".b8g");
      }
      home = home.toAbsolutePath().normalize();
      if (credentialsFile == null) {
        credentialsFile = home.resolve("credentials.json");
      }
      if (connectTimeout == null || connectTimeout.isNegative() || connectTimeout.isZero()
          || requestTimeout == null || requestTimeout.isNegative() || requestTimeout.isZero()) {
        throw new RegistryException(RegistryException.REFUSED, "registry timeouts must be positive");
      }
      if (maxManifestBytes < 1024 || maxManifestBytes > Integer.MAX_VALUE - 16) {
        throw new RegistryException(RegistryException.REFUSED, "maxManifestBytes must be between 1 KiB and 2 GiB, was " + maxManifestBytes);
      }
      if (maxBlobBytes < 1 || chunkSize < 0 || chunkSize > Integer.MAX_VALUE - 16 || tagPageSize < 1) {
        throw new RegistryException(RegistryException.REFUSED, "maxBlobBytes and tagPageSize must be positive, chunkSize 0..2 GiB");
      }
      return this;
    }
  }

  private final Context ctx;
  private final OciStore store;
  private final Credentials credentials;
  private final Map<String, RemoteClient> clients = new ConcurrentHashMap<>();

  private Registry(Context ctx) {
    this.ctx = ctx;
    this.store = OciStore.open(ctx.home().resolve("store"), ctx.maxManifestBytes());
    this.credentials = new Credentials(ctx.credentialsFile());
  }

  /** Opens (creating if needed) the store under the context's home. */
  public static Registry open(Context ctx) {
    return new Registry(ctx.conclude());
  }

  /** The embedded store's OCI layout directory (readable by {@code skopeo copy oci:DIR:TAG}). */
  public Path storePath() {
    return store.root();
  }

  /** Nothing to release today; kept so that callers scope a registry's lifetime. */
  @Override
  public void close() {
    clients.clear();
  }

  // ---- push / pull ----

  /**
   * Stores {@code unit} under {@code ref} in the embedded store and, when {@code ref} has a host,
   * pushes it there (blobs already present are skipped). {@code ref} needs a tag (or none, for
   * {@code latest}), not a digest. Returns the unit's manifest descriptor.
   */
  public Descriptor push(Unit unit, String ref) {
    Reference r = Reference.parse(ref);
    if (r.digest() != null) {
      throw new RegistryException(RegistryException.BAD_REFERENCE, "push needs a tag, not a digest: " + ref);
    }
    Unit.Packed packed = unit.pack();
    packed.blobs().values().forEach(store.blobs()::write);
    store.blobs().write(packed.manifest());
    store.index().tag(r.storeTag(), packed.descriptor());
    backend(r).publish(packed.descriptor().digest(), null);
    return packed.descriptor();
  }

  /**
   * Packs and pushes a directory or manifest file: a file is the manifest and its directory is the
   * unit; a directory must hold exactly one top-level {@code *.txtpb} (or, failing that, one
   * {@code *.json}) manifest.
   */
  public Descriptor push(Path dirOrManifest, String ref) {
    return push(dirOrManifest, ref, manifest -> Set.of());
  }

  /**
   * As {@link #push(Path, String)}; {@code needs} names, for the manifest file, the further files
   * its components need (their module graphs, relative to its directory; see {@link Unit}).
   */
  public Descriptor push(Path dirOrManifest, String ref, Function<Path, Set<String>> needs) {
    Path p = dirOrManifest.toAbsolutePath().normalize();
    if (Files.isRegularFile(p)) {
      return push(Unit.fromDirectory(p.getParent(), p.getFileName().toString(), needs.apply(p)), ref);
    }
    if (!Files.isDirectory(p)) {
      throw new RegistryException(RegistryException.NOT_FOUND, p + " is neither a unit directory nor a manifest file");
    }
    for (String glob : List.of("*.txtpb", "*.json")) {
      List<Path> found = new ArrayList<>();
      try (DirectoryStream<Path> ds = Files.newDirectoryStream(p, glob)) {
        ds.forEach(found::add);
      } catch (IOException e) {
        throw RegistryException.io("cannot list " + p, e);
      }
      if (found.size() == 1) {
        return push(Unit.fromDirectory(p, found.get(0).getFileName().toString(), needs.apply(found.get(0))), ref);
      }
      if (found.size() > 1) {
        throw new RegistryException(RegistryException.BAD_UNIT, p + " holds " + found.size() + " " + glob
            + " files; name the manifest file instead of the directory");
      }
    }
    throw new RegistryException(RegistryException.BAD_UNIT, p + " holds no *.txtpb or *.json manifest");
  }

  /**
   * Returns the unit {@code ref} names. A remote reference is fetched into the store first
   * (manifest, blobs and signatures, all verified) and tagged there as {@code host/repo:tag};
   * a store-only reference is read from the store. Nothing is tagged unless everything arrived.
   */
  public Unit pull(String ref) {
    Reference r = Reference.parse(ref);
    Map<String, byte[]> verified = new HashMap<>();
    Resolved x = backend(r).pull(verified);
    // Blobs downloaded just now come as the bytes their digests were checked over while they were
    // stored; what the store had already is read back, verified again.
    return Unit.fromOci(x.unitManifest(r.toString()), d -> {
      byte[] b = verified.get(d.digest());
      return b != null ? b : store.blobs().read(d);
    }, r.toString());
  }

  // ---- names ----

  /**
   * Lists references. {@code null} or a store-only repository: the store's tags (all, or those
   * of that repository). {@code host/repo}: that repository's tags in the registry (paged),
   * without the {@code sha256-*} referrer fallback tags.
   */
  public List<String> ls(String repository) {
    if (repository == null || repository.isEmpty()) {
      return store.index().tags();
    }
    return backend(Reference.parse(repository)).tags();
  }

  /**
   * Gives {@code src}'s unit the name {@code dst} (which needs a tag). Within one registry host
   * the blobs are mounted across repositories instead of uploaded when the registry allows.
   * Returns the manifest descriptor.
   */
  public Descriptor tag(String src, String dst) {
    Reference s = Reference.parse(src);
    Reference d = Reference.parse(dst);
    if (d.digest() != null) {
      throw new RegistryException(RegistryException.BAD_REFERENCE, "the target of tag needs a tag, not a digest: " + dst);
    }
    Resolved x = backend(s).fetch();
    store.index().tag(d.storeTag(), x.descriptor());
    String mountFrom = s.host() != null && s.host().equals(d.host()) ? s.repository() : null;
    backend(d).publish(x.digest(), mountFrom);
    return x.descriptor();
  }

  /**
   * Removes {@code ref}. Store-only: drops the tag (or every tag of a {@code name@digest}); the
   * blobs stay until {@link #gc()}. Remote: deletes the manifest in the registry (by digest, so
   * every tag pointing at it goes) and drops the store's tag of the same name. Returns how many
   * names were removed.
   */
  public int rm(String ref) {
    Reference r = Reference.parse(ref);
    int n = backend(r).delete();
    String storeTag = r.storeTag();
    int local = store.index().untag(e -> {
      String name = e.annotations().get(MediaTypes.ANNOTATION_REF_NAME);
      if (name == null) {
        return false;
      }
      if (r.tag() != null) {
        return name.equals(storeTag);
      }
      return e.digest().equals(r.digest()) && r.namesRepositoryOf(name);
    });
    if (n + local == 0) {
      throw new RegistryException(RegistryException.NOT_FOUND, "no " + ref + " in the store " + store.root()
          + "; b8g registry ls lists what is there");
    }
    return n + local;
  }

  /**
   * The manifest descriptor {@code ref} names now: a store-only reference from the store, a remote
   * one from its registry (one manifest request; nothing is stored). Callers pin what they then
   * pull with {@code name[:tag]@digest}, so a tag moved in between cannot swap the content.
   */
  public Descriptor resolve(String ref) {
    Reference r = Reference.parse(ref);
    return backend(r).resolve().descriptor();
  }

  /** A JSON description of {@code ref}: digest, media types, annotations, files, signatures. */
  public String inspect(String ref) {
    Reference r = Reference.parse(ref);
    Backend b = backend(r);
    Resolved x = b.resolve();
    JsonObject o = new JsonObject();
    o.addProperty("reference", r.toString());
    o.addProperty("digest", x.digest());
    o.addProperty("mediaType", x.mediaType());
    o.addProperty("size", x.bytes().length);
    if (MediaTypes.isIndex(x.mediaType())) {
      JsonArray a = new JsonArray();
      OciJson.parseIndex(x.bytes(), r.toString()).manifests().forEach(d -> a.add(OciJson.toJson(d)));
      o.add("manifests", a);
      return OciJson.pretty(o);
    }
    OciJson.Manifest m = OciJson.parseManifest(x.bytes(), r.toString());
    if (m.artifactType() != null) {
      o.addProperty("artifactType", m.artifactType());
    }
    o.add("annotations", OciJson.annotationsJson(m.annotations()));
    o.add("config", OciJson.toJson(m.config()));
    JsonArray layers = new JsonArray();
    m.layers().forEach(d -> layers.add(OciJson.toJson(d)));
    o.add("layers", layers);
    List<Descriptor> refs = b.referrers(x.digest());
    JsonArray ra = new JsonArray();
    refs.forEach(d -> ra.add(OciJson.toJson(d)));
    o.add("referrers", ra);
    return OciJson.pretty(o);
  }

  /** Deletes blobs no tag reaches (see {@link GcReport}). */
  public GcReport gc() {
    return StoreGc.collect(store);
  }

  /** Checks every blob and index entry of the store; returns the problems (empty: consistent). */
  public List<String> check() {
    return StoreGc.verify(store);
  }

  // ---- credentials and signatures ----

  /** Checks {@code username}/{@code password} against {@code host} and stores them (file mode 0600). */
  public void login(String host, String username, String password) {
    RemoteClient probe = new RemoteClient(host, ctx.insecure(), new Credentials.Login(username, password),
        ctx.connectTimeout(), ctx.requestTimeout(), ctx.maxManifestBytes(), ctx.maxBlobBytes());
    probe.ping();
    credentials.store(host, username, password);
    clients.remove(host);
  }

  /** Writes a new Ed25519 key pair: {@code privateKey} (mode 0600, PKCS#8 + public block) and {@code publicKey} (X.509 PEM). */
  public static void generateKeys(Path privateKey, Path publicKey) {
    Signing.generate(privateKey, publicKey);
  }

  /**
   * Signs the manifest digest of {@code ref} with the Ed25519 key in {@code privateKey} and
   * attaches the signature as a referrer ({@link MediaTypes#SIGNATURE}); in the store, and in the
   * registry when {@code ref} has a host (through the referrers fallback tag when the registry has
   * no referrers API). Returns the signature manifest's descriptor.
   */
  public Descriptor sign(String ref, Path privateKey) {
    Reference r = Reference.parse(ref);
    PrivateKey priv = Signing.readPrivate(privateKey);
    PublicKey pub = Signing.readPublic(privateKey);
    String probe = Digest.of(new byte[0]);
    if (!Signing.verify(pub, probe, Signing.sign(priv, probe))) {
      throw new RegistryException(RegistryException.BAD_KEY, privateKey + ": its PUBLIC KEY block does not belong to its PRIVATE KEY");
    }
    Backend b = backend(r);
    Resolved x = b.resolve();
    byte[] signature = Signing.sign(priv, x.digest());
    Descriptor config = new Descriptor(MediaTypes.OCI_EMPTY, store.blobs().write(EMPTY_JSON), EMPTY_JSON.length);
    Descriptor layer = new Descriptor(MediaTypes.SIGNATURE_ED25519, store.blobs().write(signature), signature.length);
    Map<String, String> ann = new LinkedHashMap<>();
    ann.put(MediaTypes.ANNOTATION_SIGNER, Signing.fingerprint(pub));
    ann.put(MediaTypes.ANNOTATION_CREATED, DateTimeFormatter.ISO_INSTANT.format(Instant.now().truncatedTo(ChronoUnit.SECONDS)));
    byte[] manifest = OciJson.manifestBytes(MediaTypes.SIGNATURE, config, List.of(layer), x.descriptor(), ann);
    String digest = store.blobs().write(manifest);
    Descriptor d = new Descriptor(MediaTypes.OCI_MANIFEST, digest, manifest.length, MediaTypes.SIGNATURE, ann);
    if (store.blobs().has(x.digest())) {
      store.index().addReferrer(d, x.digest());
    }
    b.publishReferrer(digest, x.digest());
    return d;
  }

  /**
   * Succeeds only when {@code ref} carries a valid signature by {@code trustedPublicKey} over its
   * manifest digest and every blob of the unit matches its digest; returns the verified manifest
   * descriptor. Refusals: {@code registry.unsigned} (no signature), {@code
   * registry.untrusted_signer} (signed by other keys only), {@code registry.bad_signature} (a
   * signature naming the trusted key that does not verify), {@code registry.digest_mismatch}
   * (content altered).
   */
  public Descriptor verify(String ref, Path trustedPublicKey) {
    Reference r = Reference.parse(ref);
    PublicKey trusted = Signing.readPublic(trustedPublicKey);
    String trustedFp = Signing.fingerprint(trusted);
    Backend b = backend(r);
    Resolved x = b.resolve();
    List<Descriptor> refs = b.referrers(x.digest());
    List<String> signers = new ArrayList<>();
    boolean good = false;
    boolean badByTrusted = false;
    for (Descriptor ref0 : refs) {
      if (!MediaTypes.SIGNATURE.equals(ref0.artifactType())) {
        continue;
      }
      byte[] bytes = b.manifest(ref0.digest());
      OciJson.Manifest m = OciJson.parseManifest(bytes, "signature " + ref0.digest());
      if (m.subject() == null || !x.digest().equals(m.subject().digest()) || m.layers().size() != 1
          || !MediaTypes.SIGNATURE_ED25519.equals(m.layers().get(0).mediaType())) {
        continue;
      }
      Descriptor layer = m.layers().get(0);
      byte[] sig = b.signature(layer);
      String signer = m.annotations().getOrDefault(MediaTypes.ANNOTATION_SIGNER, "unnamed key");
      signers.add(signer);
      if (Signing.verify(trusted, x.digest(), sig)) {
        good = true;
        break;
      }
      if (trustedFp.equals(signer)) {
        badByTrusted = true;
      }
    }
    if (!good) {
      if (signers.isEmpty()) {
        throw new RegistryException(RegistryException.UNSIGNED, r + " (" + x.digest() + ") carries no b8g signature;"
            + " refusing it (sign it with: b8g registry sign " + r + " --key KEY)");
      }
      if (badByTrusted) {
        throw new RegistryException(RegistryException.BAD_SIGNATURE, r + " (" + x.digest() + ") has a signature naming the trusted key "
            + trustedFp + " that does not verify; the unit or the signature was altered");
      }
      throw new RegistryException(RegistryException.UNTRUSTED_SIGNER, r + " (" + x.digest() + ") is signed only by "
          + String.join(", ", signers.stream().map(Printable::quoted).toList()) + ", not by the trusted key " + trustedFp);
    }
    OciJson.Manifest m = x.unitManifest(r.toString());
    b.storeBlobs(m);
    store.blobs().read(m.config());
    for (Descriptor d : m.layers()) {
      store.blobs().check(d);
    }
    return x.descriptor();
  }

  // ---- backends ----

  /** Where {@code r} lives: the embedded store when it has no host, else that registry's repository. */
  private Backend backend(Reference r) {
    return r.isRemote()
        ? new RemoteBackend(r, client(r.host()), store, ctx.chunkSize(), ctx.tagPageSize())
        : new StoreBackend(r, store);
  }

  RemoteClient client(String host) {
    return clients.computeIfAbsent(host, h -> new RemoteClient(h, ctx.insecure(), credentials.forHost(h),
        ctx.connectTimeout(), ctx.requestTimeout(), ctx.maxManifestBytes(), ctx.maxBlobBytes()).progress(ctx.progress()));
  }

  OciStore store() {
    return store;
  }
}
