package b8g.registry;

import b8g.errors.Printable;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.UUID;

/**
 * An OCI image layout directory ({@code oci-layout}, {@code index.json}, {@code
 * blobs/sha256/<hex>}), as written and read by skopeo's {@code oci:} transport. This class owns
 * the layout itself: it creates or checks the directory when opened, hands out its two parts,
 * {@link Blobs} (content-addressed files) and {@link StoreIndex} (tags and referrers), and holds the
 * file discipline both follow (temp files named {@code .tmp-*} beside their target, fsync, atomic
 * rename, directory fsync). Garbage collection and the full check are {@link StoreGc}'s.
 *
 * <p>Invariants: a blob file's name is the digest of its content; {@code index.json} only names
 * manifests whose blobs were all stored first; a crash leaves at most a temp file (removed by gc),
 * never a half blob or a dangling tag. Thread-safe, and safe across processes sharing the directory.
 */
final class OciStore {
  static final String LAYOUT = "{\"imageLayoutVersion\":\"1.0.0\"}";
  static final String TMP = ".tmp-";

  private final Path root;
  private final Blobs blobs;
  private final StoreIndex index;

  private OciStore(Path root, long maxManifestBytes) {
    this.root = root;
    this.blobs = new Blobs(root, maxManifestBytes);
    this.index = new StoreIndex(root, blobs, maxManifestBytes);
  }

  /** Opens the layout at {@code root}, creating an empty one if the directory is missing or empty. */
  static OciStore open(Path root, long maxManifestBytes) {
    OciStore s = new OciStore(root.toAbsolutePath().normalize(), maxManifestBytes);
    try {
      Files.createDirectories(s.blobs.dir());
      Path layout = s.root.resolve("oci-layout");
      if (!Files.exists(layout)) {
        writeAtomically(layout, LAYOUT.getBytes(StandardCharsets.UTF_8));
      } else {
        JsonObject o = OciJson.parseObject(Files.readAllBytes(layout), layout.toString());
        JsonElement v = o.get("imageLayoutVersion");
        if (v == null || !v.isJsonPrimitive() || !v.getAsString().startsWith("1.")) {
          throw new RegistryException(RegistryException.BAD_MANIFEST,
              layout + " has imageLayoutVersion " + Printable.quoted(String.valueOf(v)) + "; this b8g reads 1.x");
        }
      }
      if (!Files.exists(s.index.file())) {
        writeAtomically(s.index.file(), OciJson.indexBytes(List.of()));
      }
    } catch (IOException e) {
      throw RegistryException.io("cannot open store " + s.root, e);
    }
    return s;
  }

  Path root() {
    return root;
  }

  Blobs blobs() {
    return blobs;
  }

  StoreIndex index() {
    return index;
  }

  /** Replaces {@code target} with {@code bytes}: a fsynced temp file beside it, renamed atomically. */
  static void writeAtomically(Path target, byte[] bytes) throws IOException {
    Path tmp = target.resolveSibling(TMP + UUID.randomUUID());
    try {
      try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
        ch.write(ByteBuffer.wrap(bytes));
        ch.force(true);
      }
      Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      fsyncDir(target.getParent());
    } finally {
      Files.deleteIfExists(tmp);
    }
  }

  /** Makes a rename in {@code dir} durable. */
  static void fsyncDir(Path dir) {
    try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
      ch.force(true);
    } catch (IOException ignored) {
      // Some file systems refuse to open a directory; the rename itself is still atomic there.
    }
  }
}
