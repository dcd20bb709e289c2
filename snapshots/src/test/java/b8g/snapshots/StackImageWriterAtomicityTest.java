package b8g.snapshots;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StackImageWriterAtomicityTest {
  @TempDir Path dir;

  private List<Path> files() throws IOException {
    try (var s = Files.list(dir)) {
      return s.toList();
    }
  }

  /** Writes two regions; the second's source fails after the first region is on disk. */
  private static StackImageWriter failingMidway(AtomicInteger calls) {
    StackImageWriter w = new StackImageWriter(Images.HOST);
    w.addContext("c", ByteBuffer.wrap(Images.random(1, 100)));
    w.addRegion(new RegionRecord("first", 1 << 20, RegionRecord.Backing.ANONYMOUS, 3), () -> {
      calls.incrementAndGet();
      return ByteBuffer.wrap(Images.random(2, 1 << 20));
    });
    w.addRegion(new RegionRecord("second", 4096, RegionRecord.Backing.ANONYMOUS, 3), () -> {
      calls.incrementAndGet();
      throw new IOException("disk on fire (injected)");
    });
    return w;
  }

  @Test
  void shouldLeaveNeitherTargetNorTempFileWhenAPartFailsMidway() throws IOException {
    AtomicInteger calls = new AtomicInteger();
    Path target = dir.resolve("stack.b8gimage");
    ImageException e = assertThrows(ImageException.class, () -> failingMidway(calls).writeTo(target));
    assertEquals(ImageException.IO, e.code());
    assertTrue(e.getMessage().contains("disk on fire (injected)"), e.getMessage());
    assertTrue(e.getMessage().contains(target.toString()), e.getMessage());
    assertEquals(2, calls.get(), "the failure happened after the first region was written");
    assertEquals(List.of(), files());
  }

  @Test
  void shouldKeepThePreviousImageWhenAWriteFails() throws IOException {
    Path target = dir.resolve("stack.b8gimage");
    Images.sampleWriter().writeTo(target);
    byte[] before = Files.readAllBytes(target);
    assertThrows(ImageException.class, () -> failingMidway(new AtomicInteger()).writeTo(target));
    assertArrayEquals(before, Files.readAllBytes(target));
    assertEquals(List.of(target), files());
  }

  @Test
  void shouldLeaveNoTempFileWhenASourceBreaksTheDescriptor() throws IOException {
    StackImageWriter w = new StackImageWriter(Images.HOST);
    w.addRegion(new RegionRecord("r", 100, RegionRecord.Backing.ANONYMOUS, 1), () -> ByteBuffer.allocate(99));
    ImageException e = assertThrows(ImageException.class, () -> w.writeTo(dir.resolve("x.b8gimage")));
    assertEquals(ImageException.MALFORMED, e.code());
    assertTrue(e.getMessage().contains("descriptor says 100"), e.getMessage());
    assertEquals(List.of(), files());
  }

  @Test
  void shouldReportAMissingDirectory() {
    ImageException e =
        assertThrows(ImageException.class, () -> Images.sampleWriter().writeTo(dir.resolve("no/such/dir/x.b8gimage")));
    assertEquals(ImageException.IO, e.code());
  }
}
