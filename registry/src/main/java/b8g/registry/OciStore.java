package b8g.registry;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.function.Predicate;

/**
 * An OCI image layout directory ({@code oci-layout}, {@code index.json}, {@code
 * blobs/sha256/<hex>}), as written and read by skopeo's {@code oci:} transport.
 *
 * <p>Invariants: a blob file's name is the digest of its content (written to a temp file in the
 * same directory, fsynced, renamed; verified again on every read); {@code index.json} only names
 * manifests whose blobs were all stored first, and is replaced by write-temp-and-rename under
 * a file lock ({@code index.json.lock}), so a crash leaves no half blob and no dangling tag. Tags
 * are index entries with the {@code org.opencontainers.image.ref.name} annotation; referrers
 * (signatures) are entries with {@link MediaTypes#ANNOTATION_REFERRER_SUBJECT}.
 *
 * <p>Thread-safe within a process and across processes sharing the directory for index updates;
 * blob writes need no lock (same content, same name).
 */
final class OciStore {
  static final String LAYOUT = "{\"imageLayoutVersion\":\"1.0.0\"}";
  private static final String TMP = ".tmp-";

  private final Path root;
  private final Path blobs;
  private final long maxManifestBytes;

  private OciStore(Path root, long maxManifestBytes) {
    this.root = root;
    this.blobs = root.resolve("blobs").resolve("sha256");
    this.maxManifestBytes = maxManifestBytes;
  }

  /** Opens the layout at {@code root}, creating an empty one if the directory is missing or empty. */
  static OciStore open(Path root, long maxManifestBytes) {
    OciStore s = new OciStore(root.toAbsolutePath().normalize(), maxManifestBytes);
    try {
      Files.createDirectories(s.blobs);
      Path layout = s.root.resolve("oci-layout");
      if (!Files.exists(layout)) {
        s.writeAtomically(layout, LAYOUT.getBytes(StandardCharsets.UTF_8));
      } else {
        JsonObject o = OciJson.parseObject(Files.readAllBytes(layout), layout.toString());
        JsonElement v = o.get("imageLayoutVersion");
        if (v == null || !v.isJsonPrimitive() || !v.getAsString().startsWith("1.")) {
          throw new RegistryException(RegistryException.BAD_MANIFEST,
              layout + " has imageLayoutVersion " + v + "; this b8g reads 1.x");
        }
      }
      if (!Files.exists(s.root.resolve("index.json"))) {
        s.writeAtomically(s.root.resolve("index.json"), OciJson.indexBytes(List.of()));
      }
    } catch (IOException e) {
      throw io("cannot open store " + s.root, e);
    }
    return s;
  }

  Path root() {
    return root;
  }

  Path blobPath(String digest) {
    return blobs.resolve(Digest.hex(Digest.check(digest, "blob")));
  }

  boolean hasBlob(String digest) {
    return Files.isRegularFile(blobPath(digest));
  }

  /** Reads and verifies a whole blob of at most {@code limit} bytes. */
  byte[] readBlob(String digest, long limit) {
    Path p = blobPath(digest);
    try {
      long size = Files.size(p);
      if (size > limit) {
        throw new RegistryException(RegistryException.TOO_LARGE,
            "blob " + digest + " in " + root + " has " + size + " bytes, over the limit of " + limit);
      }
      byte[] b = Files.readAllBytes(p);
      Digest.verify(b, digest, "store " + root);
      return b;
    } catch (NoSuchFileException e) {
      throw new RegistryException(RegistryException.NOT_FOUND, "blob " + digest + " is not in store " + root, e);
    } catch (IOException e) {
      throw io("cannot read blob " + digest + " in " + root, e);
    }
  }

  byte[] readBlob(Descriptor d) {
    try {
      long actual = Files.size(blobPath(d.digest()));
      if (actual != d.size()) {
        throw new RegistryException(RegistryException.DIGEST_MISMATCH, "blob " + d.digest() + " in " + root + " has "
            + actual + " bytes, its descriptor says " + d.size() + "; the copy is corrupt or was altered, it was not used");
      }
    } catch (NoSuchFileException e) {
      throw new RegistryException(RegistryException.NOT_FOUND, "blob " + d.digest() + " is not in store " + root, e);
    } catch (IOException e) {
      throw io("cannot read blob " + d.digest() + " in " + root, e);
    }
    byte[] b = readBlob(d.digest(), d.size());
    if (b.length != d.size()) {
      throw new RegistryException(RegistryException.DIGEST_MISMATCH,
          "blob " + d.digest() + " in " + root + " has " + b.length + " bytes, its descriptor says " + d.size());
    }
    return b;
  }

  /** A stream over a blob that fails at its end unless size and digest match {@code d}. */
  InputStream openBlob(Descriptor d) {
    try {
      return new Digest.VerifyingInputStream(Files.newInputStream(blobPath(d.digest())), d.digest(), d.size(), "store " + root);
    } catch (NoSuchFileException e) {
      throw new RegistryException(RegistryException.NOT_FOUND, "blob " + d.digest() + " is not in store " + root, e);
    } catch (IOException e) {
      throw io("cannot read blob " + d.digest() + " in " + root, e);
    }
  }

  /** Streams a blob through its verification; throws when it is missing or corrupt. */
  void checkBlob(Descriptor d) {
    try (InputStream in = openBlob(d)) {
      in.transferTo(OutputStream.nullOutputStream());
    } catch (IOException e) {
      throw io("cannot read blob " + d.digest() + " in " + root, e);
    }
  }

  /** Stores bytes under their digest (once: an existing identical blob is kept). */
  String writeBlob(byte[] bytes) {
    String digest = Digest.of(bytes);
    if (!hasBlob(digest)) {
      writeBlob(new java.io.ByteArrayInputStream(bytes), digest, bytes.length);
    }
    return digest;
  }

  /**
   * Copies {@code in} to a temp file, and renames it to its digest only if exactly {@code size}
   * bytes with digest {@code digest} arrived. On any failure the temp file is removed and
   * nothing else changes.
   */
  void writeBlob(InputStream in, String digest, long size) {
    Digest.check(digest, "blob");
    Path target = blobPath(digest);
    Path tmp = blobs.resolve(TMP + UUID.randomUUID());
    boolean done = false;
    try {
      MessageDigest md = Digest.sha256();
      long count = 0;
      try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
          OutputStream out = Channels.newOutputStream(ch)) {
        byte[] buf = new byte[64 * 1024];
        int n;
        while ((n = in.read(buf)) >= 0) {
          count += n;
          if (count > size) {
            throw new RegistryException(RegistryException.DIGEST_MISMATCH,
                "blob " + digest + " is longer than its declared " + size + " bytes; nothing was stored");
          }
          md.update(buf, 0, n);
          out.write(buf, 0, n);
        }
        out.flush();
        ch.force(true);
      }
      if (count != size) {
        throw new RegistryException(RegistryException.DIGEST_MISMATCH,
            "blob " + digest + " arrived with " + count + " bytes, expected " + size + "; nothing was stored");
      }
      String actual = Digest.format(md.digest());
      if (!actual.equals(digest)) {
        throw Digest.mismatch(digest, actual, "incoming blob (nothing was stored)");
      }
      move(tmp, target);
      done = true;
    } catch (IOException e) {
      throw io("cannot write blob " + digest + " to " + root, e);
    } finally {
      if (!done) {
        try {
          Files.deleteIfExists(tmp);
        } catch (IOException ignored) {
          // gc() removes temp files that could not be removed here
        }
      }
    }
  }

  private void move(Path tmp, Path target) throws IOException {
    try {
      Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE);
    } catch (FileAlreadyExistsException e) {
      Files.deleteIfExists(tmp); // someone stored the same content meanwhile
      return;
    } catch (AtomicMoveNotSupportedException e) {
      throw new IOException("the file system under " + root + " cannot rename atomically", e);
    }
    fsyncDir(target.getParent());
  }

  private static void fsyncDir(Path dir) {
    try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
      ch.force(true);
    } catch (IOException ignored) {
      // Some file systems refuse to open a directory; the rename itself is still atomic there.
    }
  }

  private void writeAtomically(Path target, byte[] bytes) throws IOException {
    Path tmp = target.resolveSibling(TMP + UUID.randomUUID());
    try {
      try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
        ch.write(java.nio.ByteBuffer.wrap(bytes));
        ch.force(true);
      }
      Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      fsyncDir(target.getParent());
    } finally {
      Files.deleteIfExists(tmp);
    }
  }

  // ---- manifests and the index ----

  byte[] readManifest(String digest) {
    return readBlob(digest, maxManifestBytes);
  }

  JsonObject readIndexJson() {
    Path p = root.resolve("index.json");
    try {
      if (Files.size(p) > maxManifestBytes * 4) {
        throw new RegistryException(RegistryException.TOO_LARGE, p + " is over " + (maxManifestBytes * 4) + " bytes");
      }
      JsonObject o = OciJson.parseObject(Files.readAllBytes(p), p.toString());
      OciJson.parseIndex(o, p.toString());
      return o;
    } catch (NoSuchFileException e) {
      throw new RegistryException(RegistryException.NOT_FOUND, root + " is not an OCI layout (no index.json)", e);
    } catch (IOException e) {
      throw io("cannot read " + p, e);
    }
  }

  List<Descriptor> index() {
    return OciJson.parseIndex(readIndexJson(), root.resolve("index.json").toString()).manifests();
  }

  /** Tag names ({@code ref.name} annotations) in index order. */
  List<String> tags() {
    List<String> out = new ArrayList<>();
    for (Descriptor d : index()) {
      String name = d.annotations().get(MediaTypes.ANNOTATION_REF_NAME);
      if (name != null) {
        out.add(name);
      }
    }
    return out;
  }

  Optional<Descriptor> resolve(String refName) {
    Descriptor found = null;
    for (Descriptor d : index()) {
      if (refName.equals(d.annotations().get(MediaTypes.ANNOTATION_REF_NAME))) {
        found = d; // the last entry wins, as with skopeo
      }
    }
    return Optional.ofNullable(found);
  }

  /** Points {@code refName} at {@code manifest}, replacing what it named; the blobs must be stored. */
  void tag(String refName, Descriptor manifest) {
    if (!hasBlob(manifest.digest())) {
      throw new RegistryException(RegistryException.NOT_FOUND, "cannot tag " + refName + ": manifest " + manifest.digest() + " is not stored");
    }
    Map<String, String> ann = new java.util.LinkedHashMap<>(manifest.annotations());
    ann.remove(MediaTypes.ANNOTATION_REFERRER_SUBJECT);
    ann.put(MediaTypes.ANNOTATION_REF_NAME, refName);
    Descriptor entry = new Descriptor(manifest.mediaType(), manifest.digest(), manifest.size(), manifest.artifactType(), ann);
    updateIndex(entries -> {
      requireComplete(manifest, "tag " + refName);
      entries.removeIf(e -> refName.equals(refName(e)));
      entries.add(OciJson.toJson(entry));
    });
  }

  /** Removes the entries matching {@code which}; returns how many. */
  int untag(Predicate<Descriptor> which) {
    int[] n = {0};
    updateIndex(entries -> {
      int before = entries.size();
      entries.removeIf(e -> which.test(OciJson.descriptor(e, "index.json entry")));
      n[0] = before - entries.size();
    });
    return n[0];
  }

  /** Records a stored referrer manifest (a signature) of {@code subjectDigest}. */
  void addReferrer(Descriptor referrer, String subjectDigest) {
    Map<String, String> ann = new java.util.LinkedHashMap<>(referrer.annotations());
    ann.remove(MediaTypes.ANNOTATION_REF_NAME);
    ann.put(MediaTypes.ANNOTATION_REFERRER_SUBJECT, subjectDigest);
    Descriptor entry = new Descriptor(referrer.mediaType(), referrer.digest(), referrer.size(), referrer.artifactType(), ann);
    updateIndex(entries -> {
      requireComplete(entry, "referrer of " + subjectDigest);
      for (JsonObject e : entries) {
        if (referrer.digest().equals(digestOf(e)) && subjectDigest.equals(subjectOf(e))) {
          return;
        }
      }
      entries.add(OciJson.toJson(entry));
    });
  }

  List<Descriptor> referrers(String subjectDigest) {
    List<Descriptor> out = new ArrayList<>();
    for (Descriptor d : index()) {
      if (subjectDigest.equals(d.annotations().get(MediaTypes.ANNOTATION_REFERRER_SUBJECT))) {
        out.add(d);
      }
    }
    return out;
  }

  /**
   * Checked under the index lock before an entry is written: everything the manifest reaches is
   * present. A gc running between a pull's blob writes and its tag would otherwise leave a
   * dangling tag; instead the tag fails and the pull can simply be repeated.
   */
  private void requireComplete(Descriptor manifest, String what) {
    Deque<Descriptor> todo = new ArrayDeque<>(List.of(manifest));
    while (!todo.isEmpty()) {
      Descriptor d = todo.poll();
      if (!hasBlob(d.digest())) {
        throw new RegistryException(RegistryException.NOT_FOUND, "cannot write " + what + ": blob " + d.digest()
            + " is not in store " + root + " (was it collected by a concurrent gc? repeat the operation)");
      }
      if (isManifestType(d.mediaType())) {
        OciJson.Manifest m = OciJson.parseManifest(readManifest(d.digest()), "manifest " + d.digest());
        todo.add(m.config());
        todo.addAll(m.layers());
      } else if (isIndexType(d.mediaType())) {
        todo.addAll(OciJson.parseIndex(readManifest(d.digest()), "index " + d.digest()).manifests());
      }
    }
  }

  private static String refName(JsonObject e) {
    JsonElement a = e.get("annotations");
    if (a == null || !a.isJsonObject()) {
      return null;
    }
    JsonElement n = a.getAsJsonObject().get(MediaTypes.ANNOTATION_REF_NAME);
    return n == null || !n.isJsonPrimitive() ? null : n.getAsString();
  }

  private static String subjectOf(JsonObject e) {
    JsonElement a = e.get("annotations");
    if (a == null || !a.isJsonObject()) {
      return null;
    }
    JsonElement n = a.getAsJsonObject().get(MediaTypes.ANNOTATION_REFERRER_SUBJECT);
    return n == null || !n.isJsonPrimitive() ? null : n.getAsString();
  }

  private static String digestOf(JsonObject e) {
    JsonElement d = e.get("digest");
    return d == null || !d.isJsonPrimitive() ? null : d.getAsString();
  }

  private interface IndexEdit {
    void apply(List<JsonObject> entries);
  }

  /**
   * Read-modify-write of index.json under an exclusive file lock. Unknown fields of entries
   * (skopeo's {@code platform}, for example) are kept as they are.
   */
  private void updateIndex(IndexEdit edit) {
    locked(() -> {
        JsonObject index = readIndexJson();
        List<JsonObject> entries = new ArrayList<>();
        for (JsonElement e : index.getAsJsonArray("manifests")) {
          entries.add(e.getAsJsonObject());
        }
        edit.apply(entries);
        JsonArray a = new JsonArray();
        entries.forEach(a::add);
        index.add("manifests", a);
        writeAtomically(root.resolve("index.json"), OciJson.bytes(index));
        return null;
    }, "cannot update " + root.resolve("index.json"));
  }

  private interface LockedAction<T> {
    T run() throws IOException;
  }

  /** Runs {@code action} holding the store's index lock (in-process monitor, then the file lock). */
  private <T> T locked(LockedAction<T> action, String what) {
    synchronized (OciStore.class) {
      try (FileChannel lockFile = FileChannel.open(root.resolve("index.json.lock"),
          StandardOpenOption.CREATE, StandardOpenOption.WRITE)) {
        FileLock lock = lockFile.lock();
        try {
          return action.run();
        } finally {
          lock.release();
        }
      } catch (IOException e) {
        throw io(what, e);
      }
    }
  }

  // ---- garbage collection and checking ----

  /**
   * Deletes every blob not reachable from the index. Reachable: the manifests the index names
   * (but a referrer entry only while its subject is reachable), the config and layers of each,
   * and the children of an image index. Stale temp files go too. A manifest that cannot be read
   * stops gc before anything is deleted.
   */
  GcReport gc() {
    return locked(() -> {
        List<Descriptor> entries = index();
        Set<String> reachable = new HashSet<>();
        List<Descriptor> referrers = new ArrayList<>();
        Deque<Descriptor> todo = new ArrayDeque<>();
        for (Descriptor d : entries) {
          if (d.annotations().containsKey(MediaTypes.ANNOTATION_REFERRER_SUBJECT)) {
            referrers.add(d);
          } else {
            todo.add(d);
          }
        }
        Set<Descriptor> keptReferrers = new HashSet<>();
        boolean grew = true;
        while (grew) {
          walk(todo, reachable);
          grew = false;
          for (Descriptor r : referrers) {
            if (!keptReferrers.contains(r) && reachable.contains(r.annotations().get(MediaTypes.ANNOTATION_REFERRER_SUBJECT))) {
              keptReferrers.add(r);
              todo.add(r);
              grew = true;
            }
          }
        }
        int dropped = 0;
        for (Descriptor r : referrers) {
          if (!keptReferrers.contains(r)) {
            dropped++;
          }
        }
        if (dropped > 0) {
          JsonObject index = readIndexJson();
          JsonArray a = new JsonArray();
          for (JsonElement e : index.getAsJsonArray("manifests")) {
            String subject = subjectOf(e.getAsJsonObject());
            if (subject == null || reachable.contains(subject)) {
              a.add(e);
            }
          }
          index.add("manifests", a);
          writeAtomically(root.resolve("index.json"), OciJson.bytes(index));
        }
        List<String> removed = new ArrayList<>();
        long freed = 0;
        int temps = 0;
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(blobs)) {
          for (Path p : ds) {
            String name = p.getFileName().toString();
            if (name.startsWith(TMP)) {
              // A younger temp file may belong to a write in progress (writers take no lock).
              if (isStale(p)) {
                Files.deleteIfExists(p);
                temps++;
              }
              continue;
            }
            String digest = "sha256:" + name;
            if (Digest.isValid(digest) && !reachable.contains(digest)) {
              freed += Files.size(p);
              Files.delete(p);
              removed.add(digest);
            }
          }
        }
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(root, TMP + "*")) {
          for (Path p : ds) {
            if (isStale(p)) {
              Files.deleteIfExists(p);
              temps++;
            }
          }
        }
        removed.sort(null);
        return new GcReport(removed, freed, dropped, temps);
    }, "gc of " + root + " failed");
  }

  /** Temp files older than this are leftovers of a crash; younger ones may still be written. */
  static final java.time.Duration TEMP_GRACE = java.time.Duration.ofHours(1);

  private static boolean isStale(Path p) throws IOException {
    try {
      return Files.getLastModifiedTime(p).toInstant().isBefore(java.time.Instant.now().minus(TEMP_GRACE));
    } catch (NoSuchFileException gone) {
      return false;
    }
  }

  private void walk(Deque<Descriptor> todo, Set<String> reachable) {
    while (!todo.isEmpty()) {
      Descriptor d = todo.poll();
      if (!reachable.add(d.digest())) {
        continue;
      }
      if (isManifestType(d.mediaType()) && hasBlob(d.digest())) {
        byte[] bytes = readManifest(d.digest());
        OciJson.Manifest m = OciJson.parseManifest(bytes, "manifest " + d.digest());
        todo.add(m.config());
        todo.addAll(m.layers());
      } else if (isIndexType(d.mediaType()) && hasBlob(d.digest())) {
        todo.addAll(OciJson.parseIndex(readManifest(d.digest()), "index " + d.digest()).manifests());
      }
    }
  }

  static boolean isManifestType(String mt) {
    return MediaTypes.OCI_MANIFEST.equals(mt) || MediaTypes.DOCKER_MANIFEST.equals(mt);
  }

  static boolean isIndexType(String mt) {
    return MediaTypes.OCI_INDEX.equals(mt) || MediaTypes.DOCKER_LIST.equals(mt);
  }

  /**
   * Checks the whole store: each blob hashes to its name, each index entry and everything it
   * reaches is present. Returns the problems found (empty when consistent); changes nothing.
   */
  List<String> verify() {
    List<String> problems = new ArrayList<>();
    try (DirectoryStream<Path> ds = Files.newDirectoryStream(blobs)) {
      for (Path p : ds) {
        String name = p.getFileName().toString();
        if (name.startsWith(TMP)) {
          problems.add("temp file left behind: " + p);
          continue;
        }
        String digest = "sha256:" + name;
        if (!Digest.isValid(digest)) {
          problems.add("stray file: " + p);
          continue;
        }
        try (InputStream in = Files.newInputStream(p)) {
          MessageDigest md = Digest.sha256();
          byte[] buf = new byte[64 * 1024];
          int n;
          while ((n = in.read(buf)) >= 0) {
            md.update(buf, 0, n);
          }
          String actual = Digest.format(md.digest());
          if (!actual.equals(digest)) {
            problems.add("blob " + digest + " hashes to " + actual);
          }
        }
      }
    } catch (IOException e) {
      problems.add("cannot list " + blobs + ": " + e.getMessage());
    }
    try {
      for (Descriptor d : index()) {
        Deque<Descriptor> todo = new ArrayDeque<>(List.of(d));
        while (!todo.isEmpty()) {
          Descriptor x = todo.poll();
          if (!hasBlob(x.digest())) {
            problems.add("index entry " + d.digest() + " reaches missing blob " + x.digest());
            continue;
          }
          try {
            if (isManifestType(x.mediaType())) {
              OciJson.Manifest m = OciJson.parseManifest(readManifest(x.digest()), "manifest " + x.digest());
              todo.add(m.config());
              todo.addAll(m.layers());
            } else if (isIndexType(x.mediaType())) {
              todo.addAll(OciJson.parseIndex(readManifest(x.digest()), "index " + x.digest()).manifests());
            }
          } catch (RegistryException e) {
            problems.add(e.getMessage());
          }
        }
      }
    } catch (RegistryException e) {
      problems.add(e.getMessage());
    }
    return problems;
  }

  private static RegistryException io(String what, IOException e) {
    return new RegistryException(RegistryException.IO, what + ": " + e, e);
  }
}
