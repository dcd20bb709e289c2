package b8g.memory;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import b8g.errors.B8gException;
import java.lang.management.BufferPoolMXBean;
import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import java.nio.MappedByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

class RegionTest {
  private final List<Region> regions = new ArrayList<>();
  private final Path file = Path.of("/dev/shm", "b8g-region-test-" + UUID.randomUUID());

  @BeforeAll
  static void warmUp() {
    // Chronicle may allocate buffers of its own on first use; keep those out of the counts.
    Region.anonymous("warm-up", 64).close();
  }

  @AfterEach
  void closeAll() throws Exception {
    for (Region region : regions) {
      region.close();
    }
    Files.deleteIfExists(file);
  }

  private Region keep(Region region) {
    regions.add(region);
    return region;
  }

  private static BufferPoolMXBean pool(String name) {
    return ManagementFactory.getPlatformMXBeans(BufferPoolMXBean.class).stream()
        .filter(p -> p.getName().equals(name))
        .findFirst()
        .orElseThrow();
  }

  private static B8gException assertCode(String code, Executable action) {
    B8gException e = assertThrows(B8gException.class, action);
    assertEquals(code, e.code(), e.getMessage());
    assertEquals(B8gException.Category.MEMORY, e.category());
    return e;
  }

  @Test
  void shouldReleaseAnonymousMemoryOnCloseWithoutWaitingForGc() {
    BufferPoolMXBean direct = pool("direct");
    // The pool is the JVM's: a buffer another test left may be freed by its cleaner meanwhile and
    // move the figures. A region that keeps its memory fails every attempt; one attempt in which
    // nothing else moved shows the exact accounting.
    List<String> seen = new ArrayList<>();
    Region region = null;
    for (int attempt = 0; attempt < 5; attempt++) {
      long countBefore = direct.getCount();
      long bytesBefore = direct.getMemoryUsed();
      region = Region.anonymous("anon", 1 << 20);
      long countWith = direct.getCount();
      long bytesWith = direct.getMemoryUsed();
      region.close();
      assertTrue(region.isReleased());
      assertTrue(region.isClosed());
      long countAfter = direct.getCount();
      long bytesAfter = direct.getMemoryUsed();
      if (countWith == countBefore + 1 && bytesWith == bytesBefore + (1 << 20)
          && countAfter == countBefore && bytesAfter == bytesBefore) {
        seen = null;
        break;
      }
      seen.add(countBefore + "/" + countWith + "/" + countAfter + " buffers, " + bytesBefore + "/" + bytesWith + "/" + bytesAfter + " bytes");
    }
    assertEquals(null, seen, "before/with/after the region, in every attempt");
    Region closed = region;
    closed.close(); // idempotent
    assertCode("region.closed", closed::byteBuffer);
    assertCode("region.closed", () -> closed.readVolatileInt(0));
  }

  @Test
  void shouldHandOutADirectWritableBufferCoveringTheRegion() {
    Region region = keep(Region.anonymous("anon", 4096 + 3));
    ByteBuffer view = region.byteBuffer();
    assertTrue(view.isDirect());
    assertFalse(view.isReadOnly());
    assertEquals(4099, view.capacity());
    assertEquals(4099, view.remaining());
    assertEquals(4099, region.size());

    view.putInt(8, 0x01020304);
    assertEquals(0x01020304, region.readVolatileInt(8));
    region.writeOrderedInt(4092, -7);
    assertEquals(-7, region.byteBuffer().getInt(4092));
    byte[] data = {1, 2, 3, 4, 5};
    region.copyFrom(data, 1, 4094, 4);
    byte[] back = new byte[5];
    region.copyTo(4094, back, 0, 5);
    assertEquals(2, back[0]);
    assertEquals(5, back[3]);
    assertEquals(0, back[4]);
  }

  @Test
  void shouldShareAShmFileBetweenTwoMappingsAndUnmapOnClose() throws Exception {
    BufferPoolMXBean mapped = pool("mapped");
    long mappedBefore = mapped.getCount();
    Region first = Region.shmFile("first", file, 8192, false);
    Region second = Region.shmFile("second", file, 8192, true);
    assertEquals(mappedBefore + 2, mapped.getCount());
    assertInstanceOf(MappedByteBuffer.class, first.byteBuffer());

    first.writeVolatileInt(4096, 0xCAFE);
    first.byteBuffer().put(100, (byte) 42);
    assertEquals(0xCAFE, second.readVolatileInt(4096));
    assertEquals(42, second.byteBuffer().get(100));
    second.writeOrderedInt(8188, 77);
    assertEquals(77, first.readVolatileInt(8188));

    second.close(); // persistent: the file stays for the first mapping's owner
    assertTrue(Files.exists(file));
    assertEquals(mappedBefore + 1, mapped.getCount());
    assertEquals(77, first.readVolatileInt(8188));
    first.close(); // not persistent: the file goes
    assertFalse(Files.exists(file));
    assertEquals(mappedBefore, mapped.getCount());
    assertTrue(first.isReleased());
  }

  @Test
  void shouldKeepAPersistentFileAndReopenItWithItsContents() {
    try (Region region = Region.shmFile("keep", file, 4096, true)) {
      region.writeVolatileInt(0, 123456);
    }
    assertTrue(Files.exists(file));
    try (Region again = Region.shmFile("again", file, 4096, false)) {
      assertEquals(123456, again.readVolatileInt(0));
    }
    assertFalse(Files.exists(file));
  }

  @Test
  void shouldRejectSizesOutOfRange() {
    assertCode("region.size", () -> Region.anonymous("zero", 0));
    assertCode("region.size", () -> Region.anonymous("negative", -1));
    assertCode("region.size", () -> Region.anonymous("huge", Region.MAX_SIZE + 1));
    assertCode("region.size", () -> Region.shmFile("huge", file, Region.MAX_SIZE + 1, false));
    assertFalse(Files.exists(file));
    keep(Region.anonymous("one", 1));
  }

  @Test
  void shouldRejectReopeningAFileWithAnotherSize() {
    keep(Region.shmFile("first", file, 8192, true));
    B8gException e = assertCode("region.size_mismatch", () -> Region.shmFile("other", file, 4096, true));
    assertTrue(e.getMessage().contains("8192"), e.getMessage());
  }

  @Test
  void shouldRejectAccessOutsideTheRegion() {
    Region region = keep(Region.anonymous("small", 16));
    assertCode("region.out_of_range", () -> region.readVolatileInt(13));
    assertCode("region.out_of_range", () -> region.readVolatileInt(-4));
    assertCode("region.out_of_range", () -> region.writeOrderedInt(16, 1));
    assertCode("region.out_of_range", () -> region.copyFrom(new byte[8], 0, 9, 8));
    assertCode("region.out_of_range", () -> region.copyTo(Long.MAX_VALUE, new byte[8], 0, 8));
    assertThrows(IndexOutOfBoundsException.class, () -> region.copyTo(0, new byte[4], 0, 8));
    region.writeOrderedInt(12, 5);
    assertEquals(5, region.readVolatileInt(12));
  }

  @Test
  void shouldReleaseOnceWhenClosedFromManyThreadsAtOnce() throws Exception {
    BufferPoolMXBean direct = pool("direct");
    long countBefore = direct.getCount();
    Region region = Region.anonymous("raced", 4096);
    ExecutorService threads = Executors.newFixedThreadPool(4);
    try {
      CountDownLatch start = new CountDownLatch(1);
      List<Future<?>> closes = new ArrayList<>();
      for (int i = 0; i < 4; i++) {
        closes.add(threads.submit(() -> {
          start.await();
          region.close();
          return null;
        }));
      }
      start.countDown();
      for (Future<?> close : closes) {
        close.get(10, TimeUnit.SECONDS);
      }
    } finally {
      threads.shutdownNow();
    }
    assertTrue(region.isReleased());
    assertEquals(countBefore, direct.getCount());
  }
  @Test
  void aSharedFileIsCreatedForItsUserOnly() throws Exception {
    keep(Region.shmFile("private", file, 4096, false));
    assertEquals("rw-------", java.nio.file.attribute.PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
  }

  @Test
  void aLinkPlantedUnderTheNameIsRefusedAndItsTargetUntouched() throws Exception {
    Path victim = Files.createTempFile("b8g-victim", ".txt");
    try {
      Files.writeString(victim, "keep me");
      Files.createSymbolicLink(file, victim);
      B8gException e = assertCode("region.io", () -> Region.shmFile("planted", file, 1 << 20, false));
      assertTrue(e.getMessage().contains("region 'planted'"), e.getMessage());
      assertEquals("keep me", Files.readString(victim), "the link's target is neither extended nor written");
    } finally {
      Files.deleteIfExists(victim);
    }
  }

  @Test
  void aFileOfAnotherUserIsRefused() throws Exception {
    java.nio.file.attribute.UserPrincipal nobody;
    try {
      nobody = file.getFileSystem().getUserPrincipalLookupService().lookupPrincipalByName("nobody");
    } catch (java.io.IOException e) {
      org.junit.jupiter.api.Assumptions.abort("no user 'nobody' here");
      return;
    }
    Files.write(file, new byte[4096]);
    try {
      Files.setOwner(file, nobody);
    } catch (java.io.IOException e) {
      org.junit.jupiter.api.Assumptions.abort("cannot give a file away here (not root): " + e.getMessage());
    }
    B8gException e = assertCode("region.io", () -> Region.shmFile("theirs", file, 4096, false));
    assertTrue(e.getMessage().contains("belongs to nobody"), e.getMessage());
  }
}
