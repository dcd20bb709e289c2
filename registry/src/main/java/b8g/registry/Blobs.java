package b8g.registry;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The content-addressed blobs of an {@link OciStore}: {@code blobs/sha256/<hex>}, each file named
 * by the digest of its content. A write goes to a temp file in the same directory, is fsynced,
 * checked (size and digest) and renamed into place, so a blob is there whole or not at all; every
 * read verifies the digest again. Manifests are blobs too, read here under the manifest size limit.
 * Writes need no lock: the same content lands under the same name.
 */
final class Blobs {
  private final Path root;
  private final Path dir;
  private final long maxManifestBytes;

  /** The blobs of the layout at {@code root} (which must exist). */
  Blobs(Path root, long maxManifestBytes) {
    this.root = root;
    this.dir = root.resolve("blobs").resolve("sha256");
    this.maxManifestBytes = maxManifestBytes;
  }

  /** {@code blobs/sha256}. */
  Path dir() {
    return dir;
  }

  Path path(String digest) {
    return dir.resolve(Digest.hex(Digest.check(digest, "blob")));
  }

  boolean has(String digest) {
    return Files.isRegularFile(path(digest));
  }

  /** Reads and verifies a whole blob of at most {@code limit} bytes. */
  byte[] read(String digest, long limit) {
    Path p = path(digest);
    try {
      long size = Files.size(p);
      if (size > limit) {
        throw new RegistryException(RegistryException.TOO_LARGE,
            "blob " + digest + " in " + where() + " has " + size + " bytes, over the limit of " + limit);
      }
      byte[] b = Files.readAllBytes(p);
      Digest.verify(b, digest, "store " + where());
      return b;
    } catch (NoSuchFileException e) {
      throw missing(digest, e);
    } catch (IOException e) {
      throw cannotRead(digest, e);
    }
  }

  /** Reads a blob whose size and digest must match {@code d}. */
  byte[] read(Descriptor d) {
    try {
      long actual = Files.size(path(d.digest()));
      if (actual != d.size()) {
        throw new RegistryException(RegistryException.DIGEST_MISMATCH, "blob " + d.digest() + " in " + where() + " has "
            + actual + " bytes, its descriptor says " + d.size() + "; the copy is corrupt or was altered, it was not used");
      }
    } catch (NoSuchFileException e) {
      throw missing(d.digest(), e);
    } catch (IOException e) {
      throw cannotRead(d.digest(), e);
    }
    byte[] b = read(d.digest(), d.size());
    if (b.length != d.size()) {
      throw new RegistryException(RegistryException.DIGEST_MISMATCH,
          "blob " + d.digest() + " in " + where() + " has " + b.length + " bytes, its descriptor says " + d.size());
    }
    return b;
  }

  /** A manifest or index blob: at most maxManifestBytes, verified. */
  byte[] readManifest(String digest) {
    return read(digest, maxManifestBytes);
  }

  /**
   * What a stored manifest or index points at: a manifest's config and layers, an index's
   * manifests; nothing for other media types. Reads (and verifies) the blob {@code d} names.
   */
  List<Descriptor> children(Descriptor d) {
    List<Descriptor> out = new ArrayList<>();
    if (MediaTypes.isManifest(d.mediaType())) {
      OciJson.Manifest m = OciJson.parseManifest(readManifest(d.digest()), "manifest " + d.digest());
      out.add(m.config());
      out.addAll(m.layers());
    } else if (MediaTypes.isIndex(d.mediaType())) {
      out.addAll(OciJson.parseIndex(readManifest(d.digest()), "index " + d.digest()).manifests());
    }
    return out;
  }

  /** A stream over a blob that fails at its end unless size and digest match {@code d}. */
  InputStream open(Descriptor d) {
    try {
      return new Digest.VerifyingInputStream(Files.newInputStream(path(d.digest())), d.digest(), d.size(), "store " + where());
    } catch (NoSuchFileException e) {
      throw missing(d.digest(), e);
    } catch (IOException e) {
      throw cannotRead(d.digest(), e);
    }
  }

  /** Streams a blob through its verification; throws when it is missing or corrupt. */
  void check(Descriptor d) {
    try (InputStream in = open(d)) {
      in.transferTo(OutputStream.nullOutputStream());
    } catch (IOException e) {
      throw cannotRead(d.digest(), e);
    }
  }

  /** Stores bytes under their digest (once: an existing identical blob is kept). */
  String write(byte[] bytes) {
    String digest = Digest.of(bytes);
    if (!has(digest)) {
      write(new ByteArrayInputStream(bytes), digest, bytes.length);
    }
    return digest;
  }

  /**
   * Copies {@code in} to a temp file, and renames it to its digest only if exactly {@code size}
   * bytes with digest {@code digest} arrived. On any failure the temp file is removed and
   * nothing else changes.
   */
  void write(InputStream in, String digest, long size) {
    BlobWriter w = writer(digest, size, false);
    try {
      byte[] buf = new byte[256 * 1024];
      int n;
      while ((n = in.read(buf)) >= 0) {
        w.append(buf, 0, n);
      }
      w.commit();
    } catch (IOException e) {
      throw RegistryException.io("cannot write blob " + digest + " to " + where(), e);
    } finally {
      w.abort(); // nothing left after a commit; the temp file after a failure
    }
  }

  /**
   * A writer of the blob {@code digest} of {@code size} bytes into this store (see {@link
   * BlobWriter}); with {@code keep} its commit returns the verified bytes.
   */
  BlobWriter writer(String digest, long size, boolean keep) {
    return new BlobWriter(dir, digest, size, keep, where().toString());
  }

  /** The store's root, as messages name it. */
  private Path where() {
    return root;
  }

  private RegistryException missing(String digest, NoSuchFileException e) {
    return new RegistryException(RegistryException.NOT_FOUND, "blob " + digest + " is not in store " + where(), e);
  }

  private RegistryException cannotRead(String digest, IOException e) {
    return RegistryException.io("cannot read blob " + digest + " in " + where(), e);
  }
}
