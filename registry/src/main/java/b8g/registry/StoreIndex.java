package b8g.registry;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Predicate;

/**
 * The {@code index.json} of an {@link OciStore}: its tags (entries with the {@code
 * org.opencontainers.image.ref.name} annotation) and its referrers (signature entries with
 * {@link MediaTypes#ANNOTATION_REFERRER_SUBJECT}). Every change is a read-modify-write under the
 * index lock (an in-process monitor, then {@code index.json.lock}) that replaces the file by
 * write-temp-and-rename, and names only manifests whose blobs are all stored: a crash leaves no
 * dangling tag. Safe across threads and across processes sharing the directory.
 */
final class StoreIndex {
  private final Path root;
  private final Path file;
  private final Blobs blobs;
  private final long maxBytes;

  StoreIndex(Path root, Blobs blobs, long maxManifestBytes) {
    this.root = root;
    this.file = root.resolve("index.json");
    this.blobs = blobs;
    this.maxBytes = maxManifestBytes * 4;
  }

  Path file() {
    return file;
  }

  /** The whole index.json, checked to be an OCI index of at most 4 × maxManifestBytes. */
  JsonObject readJson() {
    try {
      if (Files.size(file) > maxBytes) {
        throw new RegistryException(RegistryException.TOO_LARGE, file + " is over " + maxBytes + " bytes");
      }
      JsonObject o = OciJson.parseObject(Files.readAllBytes(file), file.toString());
      OciJson.parseIndex(o, file.toString());
      return o;
    } catch (NoSuchFileException e) {
      throw new RegistryException(RegistryException.NOT_FOUND, root + " is not an OCI layout (no index.json)", e);
    } catch (IOException e) {
      throw RegistryException.io("cannot read " + file, e);
    }
  }

  /** Every entry, tags and referrers, in index order. */
  List<Descriptor> entries() {
    return OciJson.parseIndex(readJson(), file.toString()).manifests();
  }

  /** Tag names ({@code ref.name} annotations) in index order. */
  List<String> tags() {
    List<String> out = new ArrayList<>();
    for (Descriptor d : entries()) {
      String name = d.annotations().get(MediaTypes.ANNOTATION_REF_NAME);
      if (name != null) {
        out.add(name);
      }
    }
    return out;
  }

  Optional<Descriptor> resolve(String refName) {
    Descriptor found = null;
    for (Descriptor d : entries()) {
      if (refName.equals(d.annotations().get(MediaTypes.ANNOTATION_REF_NAME))) {
        found = d; // the last entry wins, as with skopeo
      }
    }
    return Optional.ofNullable(found);
  }

  /** Points {@code refName} at {@code manifest}, replacing what it named; the blobs must be stored. */
  void tag(String refName, Descriptor manifest) {
    if (!blobs.has(manifest.digest())) {
      throw new RegistryException(RegistryException.NOT_FOUND, "cannot tag " + refName + ": manifest " + manifest.digest() + " is not stored");
    }
    Descriptor entry = entry(manifest, MediaTypes.ANNOTATION_REFERRER_SUBJECT, MediaTypes.ANNOTATION_REF_NAME, refName);
    update(entries -> {
      requireComplete(manifest, "tag " + refName);
      entries.removeIf(e -> refName.equals(annotation(e, MediaTypes.ANNOTATION_REF_NAME)));
      entries.add(OciJson.toJson(entry));
    });
  }

  /** Removes the entries matching {@code which}; returns how many. */
  int untag(Predicate<Descriptor> which) {
    int[] n = {0};
    update(entries -> {
      int before = entries.size();
      entries.removeIf(e -> which.test(OciJson.descriptor(e, "index.json entry")));
      n[0] = before - entries.size();
    });
    return n[0];
  }

  /** Records a stored referrer manifest (a signature) of {@code subjectDigest}. */
  void addReferrer(Descriptor referrer, String subjectDigest) {
    Descriptor entry = entry(referrer, MediaTypes.ANNOTATION_REF_NAME, MediaTypes.ANNOTATION_REFERRER_SUBJECT, subjectDigest);
    update(entries -> {
      requireComplete(entry, "referrer of " + subjectDigest);
      for (JsonObject e : entries) {
        if (referrer.digest().equals(digestOf(e)) && subjectDigest.equals(annotation(e, MediaTypes.ANNOTATION_REFERRER_SUBJECT))) {
          return;
        }
      }
      entries.add(OciJson.toJson(entry));
    });
  }

  List<Descriptor> referrers(String subjectDigest) {
    List<Descriptor> out = new ArrayList<>();
    for (Descriptor d : entries()) {
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
      if (!blobs.has(d.digest())) {
        throw new RegistryException(RegistryException.NOT_FOUND, "cannot write " + what + ": blob " + d.digest()
            + " is not in store " + root + " (was it collected by a concurrent gc? repeat the operation)");
      }
      todo.addAll(blobs.children(d));
    }
  }

  /** An index entry for {@code d}: its annotations without {@code drop}, with {@code key} set to {@code value}. */
  private static Descriptor entry(Descriptor d, String drop, String key, String value) {
    Map<String, String> ann = new LinkedHashMap<>(d.annotations());
    ann.remove(drop);
    ann.put(key, value);
    return new Descriptor(d.mediaType(), d.digest(), d.size(), d.artifactType(), ann);
  }

  /** The string value of annotation {@code key} of a raw entry, or null. */
  static String annotation(JsonObject e, String key) {
    JsonElement a = e.get("annotations");
    if (a == null || !a.isJsonObject()) {
      return null;
    }
    JsonElement n = a.getAsJsonObject().get(key);
    return n == null || !n.isJsonPrimitive() ? null : n.getAsString();
  }

  private static String digestOf(JsonObject e) {
    JsonElement d = e.get("digest");
    return d == null || !d.isJsonPrimitive() ? null : d.getAsString();
  }

  /** An edit of the raw index entries, applied under the lock. */
  interface Edit {
    void apply(List<JsonObject> entries);
  }

  /**
   * Read-modify-write of index.json under the lock. Unknown fields of entries (skopeo's {@code
   * platform}, for example) are kept as they are.
   */
  void update(Edit edit) {
    locked(() -> {
      rewrite(edit);
      return null;
    }, "cannot update " + file);
  }

  /** The read-modify-write itself; the caller holds the lock. */
  void rewrite(Edit edit) throws IOException {
    JsonObject index = readJson();
    List<JsonObject> entries = new ArrayList<>();
    for (JsonElement e : index.getAsJsonArray("manifests")) {
      entries.add(e.getAsJsonObject());
    }
    edit.apply(entries);
    JsonArray a = new JsonArray();
    entries.forEach(a::add);
    index.add("manifests", a);
    OciStore.writeAtomically(file, OciJson.bytes(index));
  }

  interface LockedAction<T> {
    T run() throws IOException;
  }

  /** Runs {@code action} holding the index lock (in-process monitor, then the file lock). */
  <T> T locked(LockedAction<T> action, String what) {
    synchronized (StoreIndex.class) {
      try (FileChannel lockFile = FileChannel.open(root.resolve("index.json.lock"),
          StandardOpenOption.CREATE, StandardOpenOption.WRITE)) {
        FileLock lock = lockFile.lock();
        try {
          return action.run();
        } finally {
          lock.release();
        }
      } catch (IOException e) {
        throw RegistryException.io(what, e);
      }
    }
  }
}
