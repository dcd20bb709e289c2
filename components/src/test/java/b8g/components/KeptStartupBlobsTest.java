package b8g.components;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributeView;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Kept startup blobs unused for a week are removed, and nothing else ({@link KeptStartupBlobs}). */
class KeptStartupBlobsTest {
  private static final Instant NOW = Instant.parse("2026-12-02T07:00:00Z");

  @TempDir Path dir;

  private static String hex(int seed) {
    byte[] b = new byte[16];
    for (int i = 0; i < b.length; i++) {
      b[i] = (byte) (seed * 31 + i * 7);
    }
    return HexFormat.of().formatHex(b);
  }

  private static String blobName(int seed) {
    return "startup-" + hex(seed) + ".blob";
  }

  private static void age(Path p, Instant modified) throws IOException {
    Files.getFileAttributeView(p, BasicFileAttributeView.class, LinkOption.NOFOLLOW_LINKS)
        .setTimes(FileTime.from(modified), null, null);
  }

  private static Instant modified(Path p) throws IOException {
    return Files.getLastModifiedTime(p, LinkOption.NOFOLLOW_LINKS).toInstant();
  }

  private Path file(Path in, String name, Duration old) throws IOException {
    Path p = Files.write(in.resolve(name), new byte[] {1, 2, 3});
    age(p, NOW.minus(old));
    return p;
  }

  @Test
  void removesOnlyKeptBlobsOfOtherKeysUnusedForAWeek() throws IOException {
    Path current = file(dir, blobName(0), Duration.ofDays(30));
    Path unused = file(dir, blobName(1), Duration.ofDays(7).plusMinutes(1));
    Path recent = file(dir, blobName(2), Duration.ofDays(7).minusMinutes(1));
    List<Path> lookalikes = List.of(
        file(dir, "startup-" + hex(3).toUpperCase() + ".blob", Duration.ofDays(30)),
        file(dir, "startup-" + hex(3).substring(1) + ".blob", Duration.ofDays(30)),
        file(dir, "startup-" + hex(3) + "0.blob", Duration.ofDays(30)),
        file(dir, blobName(3) + ".part", Duration.ofDays(30)),
        file(dir, blobName(3) + ".bak", Duration.ofDays(30)),
        file(dir, "x" + blobName(3), Duration.ofDays(30)),
        file(dir, "startup1234.part", Duration.ofDays(30)),
        file(dir, "libjavet-v8-linux-x86_64-i18n.v.5.0.6.so", Duration.ofDays(30)));
    Path directory = Files.createDirectory(dir.resolve(blobName(4)));
    age(directory, NOW.minus(Duration.ofDays(30)));
    // A link with a kept blob's name, to an old kept blob elsewhere: neither is removed.
    Path elsewhere = Files.createDirectory(dir.resolve("elsewhere"));
    Path target = file(elsewhere, blobName(5), Duration.ofDays(30));
    Path link = Files.createSymbolicLink(dir.resolve(blobName(6)), target);
    age(link, NOW.minus(Duration.ofDays(30)));

    KeptStartupBlobs.tidy(current, NOW);

    assertFalse(Files.exists(unused, LinkOption.NOFOLLOW_LINKS), "a blob unused for over a week");
    assertTrue(Files.exists(recent), "a blob used within the week");
    assertTrue(Files.exists(current), "the blob in use, however old its time was");
    assertEquals(NOW, modified(current), "the blob in use is refreshed");
    for (Path p : lookalikes) {
      assertTrue(Files.exists(p), "not a kept blob's exact name: " + p.getFileName());
    }
    assertTrue(Files.isDirectory(directory, LinkOption.NOFOLLOW_LINKS), "a directory");
    assertTrue(Files.isSymbolicLink(link), "a link");
    assertTrue(Files.exists(target), "what a link points to");
    assertTrue(Files.exists(elsewhere.resolve(blobName(5))), "another directory is not looked at");
  }

  @Test
  void knowsExactlyTheNamesOfKeptBlobs() {
    assertTrue(KeptStartupBlobs.isKeptBlobName(blobName(7)));
    for (String name : List.of("startup-.blob", "startup-" + hex(7).toUpperCase() + ".blob", "startup-" + hex(7) + ".blobx",
        "startup-" + hex(7).substring(0, 31) + "g.blob", "startup-" + hex(7).substring(0, 31) + "/.blob", "Startup-" + hex(7) + ".blob")) {
      assertFalse(KeptStartupBlobs.isKeptBlobName(name), name);
    }
  }

  @Test
  void refreshesTheBlobInUseAtMostOnceADay() throws IOException {
    Path current = file(dir, blobName(0), Duration.ofHours(23));
    KeptStartupBlobs.tidy(current, NOW);
    assertEquals(NOW.minus(Duration.ofHours(23)), modified(current), "used within the day: not written to");
    age(current, NOW.minus(Duration.ofHours(25)));
    KeptStartupBlobs.tidy(current, NOW);
    assertEquals(NOW, modified(current));
  }

  @Test
  void neverFailsAndNeverFollowsALinkedDirectory() throws IOException {
    KeptStartupBlobs.tidy(dir.resolve("missing").resolve(blobName(0)), NOW);
    Path plain = file(dir, "plain", Duration.ZERO);
    KeptStartupBlobs.tidy(plain.resolve(blobName(0)), NOW);
    // The blob's directory is a link: nothing behind it is removed.
    Path real = Files.createDirectory(dir.resolve("real"));
    Path old = file(real, blobName(1), Duration.ofDays(30));
    Path linked = Files.createSymbolicLink(dir.resolve("linked"), real);
    KeptStartupBlobs.tidy(linked.resolve(blobName(0)), NOW);
    assertTrue(Files.exists(old));
    assertEquals(0, KeptStartupBlobs.removeUnused(linked, Path.of(blobName(0)), NOW));
    // A directory that cannot be listed (when permissions apply to this user: not to root).
    Path closed = Files.createDirectory(dir.resolve("closed"));
    Path inside = file(closed, blobName(2), Duration.ofDays(30));
    closed.toFile().setReadable(false, false);
    try {
      KeptStartupBlobs.tidy(closed.resolve(blobName(0)), NOW);
    } finally {
      closed.toFile().setReadable(true, false);
    }
    KeptStartupBlobs.removeUnused(closed, Path.of(blobName(0)), NOW);
    assertFalse(Files.exists(inside), "removed once the directory can be listed");
  }

  @Test
  void engineTidiesWhenItKeepsItsBlob() throws Exception {
    Path unused = file(dir, blobName(1), Duration.ofDays(8));
    Path current = dir.resolve(blobName(0));
    byte[] key = new byte[32];
    Engine.StartupBlob.write(current, key, new byte[] {4, 5, 6});
    KeptStartupBlobs.awaitBackground();
    assertTrue(Files.exists(current));
    assertFalse(Files.exists(unused));
  }

  @Test
  void engineTidiesWhenItUsesAKeptBlob() throws Exception {
    byte[] blob = Engine.startupBlob();
    assertNotNull(blob, "no startup blob in this process");
    byte[] key = Engine.StartupBlob.key();
    Path current = dir.resolve(blobName(0));
    Engine.StartupBlob.write(current, key, blob);
    Instant old = Instant.now().minus(Duration.ofDays(30));
    age(current, old);
    Path unused = file(dir, blobName(1), Duration.ofDays(8));
    age(unused, Instant.now().minus(Duration.ofDays(8)));

    assertArrayEquals(blob, Engine.StartupBlob.read(current, key));
    KeptStartupBlobs.awaitBackground();
    assertFalse(Files.exists(unused), "another key's blob unused for a week");
    assertTrue(modified(current).isAfter(old.plus(Duration.ofDays(29))), "the blob read is refreshed");
  }
}
