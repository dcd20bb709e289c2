package b8g.registry;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Garbage collection and the full consistency check of an {@link OciStore}; both walk everything
 * the index reaches. {@link #collect} deletes what nothing reaches; {@link #verify} changes nothing
 * and reports every problem.
 */
final class StoreGc {
  /** Temp files older than this are leftovers of a crash; younger ones may still be written. */
  static final Duration TEMP_GRACE = Duration.ofHours(1);

  private StoreGc() {}

  /**
   * Deletes every blob not reachable from the index. Reachable: the manifests the index names
   * (but a referrer entry only while its subject is reachable), the config and layers of each,
   * and the children of an image index. Stale temp files go too. A manifest that cannot be read
   * stops gc before anything is deleted.
   */
  static GcReport collect(OciStore store) {
    Blobs blobs = store.blobs();
    StoreIndex index = store.index();
    return index.locked(() -> {
      Set<String> reachable = new HashSet<>();
      List<Descriptor> referrers = new ArrayList<>();
      Deque<Descriptor> todo = new ArrayDeque<>();
      for (Descriptor d : index.entries()) {
        if (d.annotations().containsKey(MediaTypes.ANNOTATION_REFERRER_SUBJECT)) {
          referrers.add(d);
        } else {
          todo.add(d);
        }
      }
      Set<Descriptor> keptReferrers = new HashSet<>();
      boolean grew = true;
      while (grew) {
        walk(blobs, todo, reachable);
        grew = false;
        for (Descriptor r : referrers) {
          if (!keptReferrers.contains(r) && reachable.contains(r.annotations().get(MediaTypes.ANNOTATION_REFERRER_SUBJECT))) {
            keptReferrers.add(r);
            todo.add(r);
            grew = true;
          }
        }
      }
      // Counted entry by entry: two equal entries (a hand-edited index) are two, or none, dropped.
      int dropped = 0;
      for (Descriptor r : referrers) {
        if (!keptReferrers.contains(r)) {
          dropped++;
        }
      }
      if (dropped > 0) {
        index.rewrite(entries -> entries.removeIf(e -> {
          String subject = StoreIndex.annotation(e, MediaTypes.ANNOTATION_REFERRER_SUBJECT);
          return subject != null && !reachable.contains(subject);
        }));
      }
      List<String> removed = new ArrayList<>();
      long freed = 0;
      int temps = 0;
      try (DirectoryStream<Path> ds = Files.newDirectoryStream(blobs.dir())) {
        for (Path p : ds) {
          String name = p.getFileName().toString();
          if (name.startsWith(OciStore.TMP)) {
            // A younger temp file may belong to a write in progress (writers take no lock).
            temps += deleteIfStale(p);
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
      try (DirectoryStream<Path> ds = Files.newDirectoryStream(store.root(), OciStore.TMP + "*")) {
        for (Path p : ds) {
          temps += deleteIfStale(p);
        }
      }
      removed.sort(null);
      return new GcReport(removed, freed, dropped, temps);
    }, "gc of " + store.root() + " failed");
  }

  private static int deleteIfStale(Path p) throws IOException {
    try {
      if (Files.getLastModifiedTime(p).toInstant().isBefore(Instant.now().minus(TEMP_GRACE))) {
        Files.deleteIfExists(p);
        return 1;
      }
    } catch (NoSuchFileException gone) {
      // removed meanwhile
    }
    return 0;
  }

  private static void walk(Blobs blobs, Deque<Descriptor> todo, Set<String> reachable) {
    while (!todo.isEmpty()) {
      Descriptor d = todo.poll();
      if (reachable.add(d.digest()) && blobs.has(d.digest())) {
        todo.addAll(blobs.children(d));
      }
    }
  }

  /**
   * Checks the whole store: each blob hashes to its name, each index entry and everything it
   * reaches is present. Returns the problems found (empty when consistent); changes nothing.
   */
  static List<String> verify(OciStore store) {
    Blobs blobs = store.blobs();
    List<String> problems = new ArrayList<>();
    try (DirectoryStream<Path> ds = Files.newDirectoryStream(blobs.dir())) {
      for (Path p : ds) {
        String name = p.getFileName().toString();
        if (name.startsWith(OciStore.TMP)) {
          problems.add("temp file left behind: " + p);
          continue;
        }
        String digest = "sha256:" + name;
        if (!Digest.isValid(digest)) {
          problems.add("stray file: " + p);
          continue;
        }
        String actual = hash(p);
        if (!actual.equals(digest)) {
          problems.add("blob " + digest + " hashes to " + actual);
        }
      }
    } catch (IOException e) {
      problems.add("cannot list " + blobs.dir() + ": " + e.getMessage());
    }
    try {
      for (Descriptor d : store.index().entries()) {
        Deque<Descriptor> todo = new ArrayDeque<>(List.of(d));
        while (!todo.isEmpty()) {
          Descriptor x = todo.poll();
          if (!blobs.has(x.digest())) {
            problems.add("index entry " + d.digest() + " reaches missing blob " + x.digest());
            continue;
          }
          try {
            todo.addAll(blobs.children(x));
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

  private static String hash(Path p) throws IOException {
    try (InputStream in = Files.newInputStream(p)) {
      MessageDigest md = Digest.sha256();
      byte[] buf = new byte[64 * 1024];
      int n;
      while ((n = in.read(buf)) >= 0) {
        md.update(buf, 0, n);
      }
      return Digest.format(md.digest());
    }
  }
}
