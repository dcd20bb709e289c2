package b8g.components;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Javet's native library is extracted once into a directory of the user's own, whole, and reused. */
class NativeLibraryTest {
  @TempDir Path root;

  @Test
  void extractsOnceOwnerOnlyAndReusesTheCopy() throws Exception {
    Path lib = NativeLibrary.prepare(root);
    long size = Files.size(lib);
    assertTrue(size > 1 << 20, "the whole library: " + size + " bytes");
    assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(lib.getParent())));
    assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(lib)));
    FileTime first = Files.getLastModifiedTime(lib);
    Files.setLastModifiedTime(lib, FileTime.fromMillis(first.toMillis() - 60_000));
    FileTime aged = Files.getLastModifiedTime(lib);
    assertEquals(lib, NativeLibrary.prepare(root));
    assertEquals(aged, Files.getLastModifiedTime(lib), "an intact copy is not written again");
    try (var files = Files.list(lib.getParent())) {
      assertEquals(1, files.count(), "no temporary file is left behind");
    }
  }

  @Test
  void replacesATruncatedCopy() throws Exception {
    Path lib = NativeLibrary.prepare(root);
    long size = Files.size(lib);
    Files.write(lib, new byte[] {1, 2, 3});
    assertEquals(lib, NativeLibrary.prepare(root));
    assertEquals(size, Files.size(lib));
  }

  @Test
  void refusesADirectoryOthersMayWrite() throws Exception {
    Path dir = root.resolve("javet-" + com.caoccao.javet.interop.loader.JavetLibLoader.LIB_VERSION);
    Files.createDirectories(dir);
    Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxrwxrwx"));
    IOException e = assertThrows(IOException.class, () -> NativeLibrary.prepare(root));
    assertTrue(e.getMessage().contains("closed to others"), e.getMessage());
  }

  @Test
  void theEngineOfThisProcessLoadedTheCachedCopy() {
    EngineVersion.current();
    assertTrue(NativeLibrary.outcome().startsWith("cached in "), NativeLibrary.outcome());
  }

  @Test
  void v8GetsIcuDataFromTheCacheBesideTheLibrary() throws Exception {
    EngineVersion.current();
    Path icu = Path.of(com.caoccao.javet.interop.options.V8RuntimeOptions.V8_FLAGS.getIcuDataFile());
    assertEquals(NativeLibrary.ICU_FILE, icu.getFileName().toString());
    assertTrue(NativeLibrary.outcome().endsWith(icu.getParent().toString()), NativeLibrary.outcome() + " vs " + icu);
    assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(icu)));
    try (var in = NativeLibrary.class.getResourceAsStream("/b8g/components/" + NativeLibrary.ICU_FILE)) {
      assertEquals(in.readAllBytes().length, Files.size(icu));
    }
  }

  @Test
  void refusesADirectoryUnderOneOthersMayWrite() throws Exception {
    Files.setPosixFilePermissions(root, PosixFilePermissions.fromString("rwxrwxrwx"));
    IOException e = assertThrows(IOException.class, () -> NativeLibrary.prepare(root));
    assertTrue(e.getMessage().startsWith(root + " is not a directory"), e.getMessage());
  }
}
