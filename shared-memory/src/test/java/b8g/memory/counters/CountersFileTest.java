package b8g.memory.counters;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import b8g.errors.B8gException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The counters file as written by a host and read by another party that trusts none of it. */
class CountersFileTest {
  @TempDir Path dir;

  @Test
  void shouldReadWhatWasWrittenAndSkipReclaimedRecords() {
    Path p = dir.resolve("1.counters");
    try (CountersFile f = CountersFile.create(p, 42, 4)) {
      int a = f.allocate(CounterType.COMPONENT, "alpha", "a.js");
      int b = f.allocate(CounterType.CHANNEL, "βeta-channel", "alpha -> gamma");
      f.block(a).set(0, 7);
      f.block(b).add(0, 1000);
      f.block(b).add(0, 24);
      CountersReader r = CountersReader.open(p);
      assertEquals(42, r.pid());
      List<CountersReader.Record> rs = r.records();
      assertEquals(2, rs.size());
      assertEquals("alpha", rs.get(0).owner());
      assertEquals(7, rs.get(0).value("turns"));
      assertEquals("βeta-channel", rs.get(1).owner());
      assertEquals(1024, rs.get(1).value("bytes_written"));
      f.reclaim(a);
      assertEquals(List.of("βeta-channel"), r.records().stream().map(CountersReader.Record::owner).toList());
      // Free records first, then the reclaimed one, which starts from zero.
      f.allocate(CounterType.HOST, "h", "");
      f.allocate(CounterType.HOST, "i", "");
      int again = f.allocate(CounterType.COMPONENT, "delta", "");
      assertEquals(a, again);
      assertEquals(0, f.block(again).get(0));
      B8gException full = assertThrows(B8gException.class, () -> f.allocate(CounterType.HOST, "j", ""));
      assertEquals("counters.full", full.code());
      assertFalse(r.closed());
    }
    assertFalse(Files.exists(p));
  }

  /** Manifest names are up to 128 ASCII characters: two that differ only in the last stay two owners. */
  @Test
  void shouldKeepTheLongestManifestNamesWhole() {
    Path p = dir.resolve("3.counters");
    String a = "c".repeat(127) + "a";
    String b = "c".repeat(127) + "b";
    try (CountersFile f = CountersFile.create(p, 1, 2)) {
      f.allocate(CounterType.COMPONENT, a, "a.js");
      f.allocate(CounterType.COMPONENT, b, "b.js");
      assertEquals(List.of(a, b), CountersReader.open(p).records().stream().map(CountersReader.Record::owner).toList());
    }
  }

  @Test
  void shouldCutLongNamesAtACharacterBoundary() {
    Path p = dir.resolve("2.counters");
    try (CountersFile f = CountersFile.create(p, 1, 1)) {
      f.allocate(CounterType.COMPONENT, "é".repeat(100), "x".repeat(500));
      CountersReader.Record r = CountersReader.open(p).records().get(0);
      assertEquals("é".repeat(64), r.owner());
      assertEquals(CountersDescriptor.MAX_LABEL_BYTES, r.label().length());
    }
  }

  @Test
  void aReaderNeverReportsARecordHalfReused() throws Exception {
    Path p = dir.resolve("3.counters");
    try (CountersFile f = CountersFile.create(p, 1, 2)) {
      AtomicBoolean stop = new AtomicBoolean();
      AtomicReference<Throwable> failed = new AtomicReference<>();
      Thread churn = new Thread(() -> {
        long i = 0;
        while (!stop.get()) {
          String name = (i % 2 == 0 ? "even" : "odd");
          int r = f.allocate(CounterType.COMPONENT, name, name);
          f.block(r).set(0, i % 2 == 0 ? 2 : 1);
          f.reclaim(r);
          i++;
        }
      });
      churn.start();
      CountersReader reader = CountersReader.open(p);
      try {
        for (int k = 0; k < 20_000; k++) {
          for (CountersReader.Record r : reader.records()) {
            // Owner and label always belong to the same allocation.
            assertEquals(r.owner(), r.label());
          }
        }
      } catch (Throwable t) {
        failed.set(t);
      } finally {
        stop.set(true);
        churn.join();
      }
      if (failed.get() != null) {
        throw new AssertionError(failed.get());
      }
    }
  }

  @Test
  void shouldRefuseAFileThatExistsOrALink() throws Exception {
    Path target = Files.writeString(dir.resolve("target"), "x");
    Path link = Files.createSymbolicLink(dir.resolve("4.counters"), target);
    B8gException e = assertThrows(B8gException.class, () -> CountersFile.create(link, 1, 1));
    assertEquals("counters.io", e.code());
    assertEquals("x", Files.readString(target));
    assertThrows(B8gException.class, () -> CountersReader.open(link));
  }

  @Test
  void corruptOrTruncatedFilesGiveClearErrors() throws Exception {
    Path p = dir.resolve("5.counters");
    try (CountersFile f = CountersFile.create(p, 1, 8)) {
      f.allocate(CounterType.HOST, "host", "");
      byte[] good = Files.readAllBytes(p);

      Files.write(dir.resolve("short"), new byte[] {1, 2, 3});
      assertCorrupt(dir.resolve("short"), "shorter than its 128-byte header");

      byte[] truncated = java.util.Arrays.copyOf(good, good.length - 100);
      Files.write(dir.resolve("truncated"), truncated);
      assertCorrupt(dir.resolve("truncated"), "truncated");

      assertCorrupt(patched(good, 0, 0x12345678), "not a b8g counters file");
      assertCorrupt(patched(good, 4, 3 << 16), "version at offset 4 is 3.0");
      assertCorrupt(patched(good, 24, 0), "record count at offset 24 is 0");
      assertCorrupt(patched(good, 24, 1 << 20), "record count");
      assertCorrupt(patched(good, 28, 255), "record and block lengths");
      assertCorrupt(patched(good, 36, 0), "still starting");
      Path badLength = patched(good, CountersDescriptor.metadataOffset(0) + CountersDescriptor.OWNER_LENGTH_OFFSET, -5);
      B8gException e = assertThrows(B8gException.class, () -> CountersReader.open(badLength).records());
      assertEquals("counters.corrupt", e.code());
      assertTrue(e.getMessage().contains("offset 140"), e.getMessage());
    }
  }

  private Path patched(byte[] good, int offset, int value) throws Exception {
    Path p = Files.createTempFile(dir, "patched", ".counters");
    Files.write(p, good);
    try (RandomAccessFile f = new RandomAccessFile(p.toFile(), "rw")) {
      f.seek(offset);
      f.writeInt(Integer.reverseBytes(value));
    }
    return p;
  }

  private static void assertCorrupt(Path p, String says) {
    B8gException e = assertThrows(B8gException.class, () -> CountersReader.open(p));
    assertEquals("counters.corrupt", e.code());
    assertEquals(B8gException.Category.IO, e.category());
    assertTrue(e.getMessage().contains(says) && e.getMessage().contains(p.toString()), e.getMessage());
  }
}
