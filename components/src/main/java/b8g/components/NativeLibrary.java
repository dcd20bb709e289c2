package b8g.components;

import com.caoccao.javet.enums.JSRuntimeType;
import com.caoccao.javet.exceptions.JavetException;
import com.caoccao.javet.interop.loader.IJavetLibLoadingListener;
import com.caoccao.javet.interop.loader.JavetLibLoader;
import com.caoccao.javet.interop.options.V8RuntimeOptions;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.net.URL;
import java.net.URLConnection;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;

/**
 * Javet's native library (V8 and Javet's glue, about 40 MB), extracted once per Javet version into
 * a cache directory and loaded from there. Javet's own loader copies it into
 * {@code /tmp/javet/<pid>} in every process: measured here, a process's first runtime took 390-446
 * ms that way and 160-163 ms from the cached copy, and the per-process copies piled up (194 MB in
 * {@code /tmp/javet} on this machine). Every process of the platform (the CLI, a host, later its
 * workers) starts sooner for it.
 *
 * <p>The directory is {@code -Db8g.native.dir}, else {@code $XDG_CACHE_HOME/b8g/native}, else
 * {@code ~/.cache/b8g/native}; one subdirectory per Javet version. It must be the user's own and
 * not writable by group or others (it holds code this process loads); it is made so (0700) when
 * created. A copy is written to a temporary file and renamed into place, so processes that start
 * together never load a half-written library. When any of this fails, Javet's own loader runs, as
 * before: the cache is a speed-up, never a reason not to start.
 */
final class NativeLibrary {
  private static final Set<PosixFilePermission> OWNER_ONLY = PosixFilePermissions.fromString("rwx------");
  private static final Set<PosixFilePermission> OWNER_ONLY_FILE = PosixFilePermissions.fromString("rw-------");
  static final String ICU_FILE = "icudt77l.dat";
  private static final String ICU_RESOURCE = "/b8g/components/" + ICU_FILE;
  private static volatile String outcome = "not installed";
  private static volatile String icuFailure = "not installed";
  private static volatile Path cacheDir;

  private NativeLibrary() {}

  /**
   * Points Javet's loader at the cached copy (extracting it first if needed) and V8 at ICU's data.
   * Before the first runtime.
   */
  static synchronized void install() {
    Path root = cacheRoot();
    try {
      File libDir = prepare(root).getParent().toFile();
      JavetLibLoader.setLibLoadingListener(new IJavetLibLoadingListener() {
        @Override
        public File getLibPath(JSRuntimeType type) {
          return libDir;
        }

        @Override
        public boolean isDeploy(JSRuntimeType type) {
          return false;
        }
      });
      outcome = "cached in " + libDir;
      cacheDir = libDir.toPath();
    } catch (IOException | RuntimeException | JavetException e) {
      outcome = "Javet's own loader (the cache could not be used: " + e + ")";
    }
    installIcuData(root);
  }

  /**
   * V8's build with ICU reads ICU's data from a file named before the library loads (Javet passes
   * {@code V8Flags.icuDataFile} to V8 as the library initialises, and the process crashes when it
   * is not set): {@code icudt77l.dat}, a resource of this module (see src/build/IcuData.java),
   * cached beside the library, or in a private temporary file when the cache cannot be used.
   */
  private static void installIcuData(Path root) {
    URL resource = NativeLibrary.class.getResource(ICU_RESOURCE);
    if (resource == null) {
      icuFailure = "ICU's data (" + ICU_RESOURCE + ") is not on the class path: rebuild the components module";
      return;
    }
    Path file;
    try {
      file = cached(root.resolve("javet-" + JavetLibLoader.LIB_VERSION), resource, ICU_FILE);
    } catch (IOException | RuntimeException e) {
      try {
        file = Files.createTempFile("b8g-icu", ".dat", PosixFilePermissions.asFileAttribute(OWNER_ONLY_FILE));
        file.toFile().deleteOnExit();
        try (InputStream in = resource.openStream()) {
          Files.copy(in, file, StandardCopyOption.REPLACE_EXISTING);
        }
      } catch (IOException | RuntimeException e2) {
        icuFailure = "cannot write ICU's data to a file: " + e2;
        return;
      }
    }
    V8RuntimeOptions.V8_FLAGS.setIcuDataFile(file.toString());
    icuFailure = null;
  }

  /** Throws unless V8 has been given ICU's data: without it, loading V8's library ends the process. */
  static void requireIcuData() {
    String why = icuFailure;
    if (why != null) {
      throw new ComponentException("component.engine", "cannot start V8: " + why);
    }
  }

  /**
   * Makes sure the library of this Javet version is in its directory under {@code root}, whole,
   * and returns its path.
   *
   * @throws IOException when the directory is not the user's own, is open to others, or cannot
   *     be written
   */
  static Path prepare(Path root) throws IOException, JavetException {
    JavetLibLoader loader = new JavetLibLoader(Engine.RUNTIME);
    URL resource = JavetLibLoader.class.getResource(loader.getResourceFileName());
    if (resource == null) {
      throw new IOException("Javet's native library is not on the class path");
    }
    return cached(root.resolve("javet-" + JavetLibLoader.LIB_VERSION), resource, loader.getLibFileName());
  }

  /** {@code resource} as the file {@code name} in the owner-only directory {@code dir}, copied when absent or of another size. */
  private static Path cached(Path dir, URL resource, String name) throws IOException {
    Path file = dir.resolve(name);
    URLConnection c = resource.openConnection();
    long size = c.getContentLengthLong();
    ownDirectory(dir);
    if (size < 0 || !Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS) || Files.size(file) != size) {
      extract(c, dir, file);
    }
    return file;
  }

  /**
   * The user's own directory (closed to others, checked at install) that holds this Javet
   * version's library, for files made for this engine (the startup blob); null when the library
   * could not be cached.
   */
  static Path cacheDir() {
    return cacheDir;
  }

  /** Where the library was loaded from, for people (diagnostics, tests). */
  static String outcome() {
    return outcome;
  }

  private static Path cacheRoot() {
    String configured = System.getProperty("b8g.native.dir");
    if (configured != null && !configured.isBlank()) {
      return Path.of(configured);
    }
    String xdg = System.getenv("XDG_CACHE_HOME");
    Path base = xdg != null && !xdg.isBlank() ? Path.of(xdg) : Path.of(System.getProperty("user.home"), ".cache");
    return base.resolve("b8g").resolve("native");
  }

  /** Creates {@code dir} owner-only, or checks that an existing one is the user's and closed to others. */
  private static void ownDirectory(Path dir) throws IOException {
    if (!Files.isDirectory(dir)) {
      Files.createDirectories(dir.getParent(), PosixFilePermissions.asFileAttribute(OWNER_ONLY));
      try {
        Files.createDirectory(dir, PosixFilePermissions.asFileAttribute(OWNER_ONLY));
      } catch (java.nio.file.FileAlreadyExistsException e) {
        // another process made it a moment ago: checked below like any existing one
      }
    }
    // The directory and the one above it: whoever may write the parent could swap the directory.
    for (Path d : new Path[] {dir, dir.getParent()}) {
      PosixFileAttributes a = Files.readAttributes(d, PosixFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
      String me = System.getProperty("user.name");
      Set<PosixFilePermission> p = a.permissions();
      if (!a.isDirectory() || !a.owner().getName().equals(me) || p.contains(PosixFilePermission.GROUP_WRITE)
          || p.contains(PosixFilePermission.OTHERS_WRITE)) {
        throw new IOException(d + " is not a directory of " + me + " closed to others");
      }
    }
  }

  private static void extract(URLConnection c, Path dir, Path lib) throws IOException {
    Path tmp = Files.createTempFile(dir, lib.getFileName().toString(), ".part");
    try {
      try (InputStream in = c.getInputStream()) {
        Files.copy(in, tmp, StandardCopyOption.REPLACE_EXISTING);
      }
      Files.setPosixFilePermissions(tmp, OWNER_ONLY);
      Files.move(tmp, lib, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } finally {
      Files.deleteIfExists(tmp);
    }
  }
}
