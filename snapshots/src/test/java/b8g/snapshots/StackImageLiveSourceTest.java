package b8g.snapshots;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Region bytes read from live memory: memory that changes while it is written (a channel end held
 * by Java, an unpaused child) still gives an image whose checksums match its bytes; memory cut short
 * under the writer (a shared-memory file truncated by another process) is an {@link
 * ImageException}, not a crash; and a file cut short after it was opened is {@code image.truncated}.
 */
class StackImageLiveSourceTest {
  @TempDir Path dir;

  private static final RegionRecord REGION =
      new RegionRecord("live", 8L << 20, RegionRecord.Backing.ANONYMOUS, StackImageDescriptor.RIGHT_READ);

  @Test
  void shouldWriteMatchingChecksumsWhileTheRegionChanges() throws Exception {
    ByteBuffer memory = ByteBuffer.allocateDirect((int) REGION.size()).order(ByteOrder.LITTLE_ENDIAN);
    AtomicBoolean stop = new AtomicBoolean();
    Thread writer = new Thread(() -> {
      int n = 0;
      while (!stop.get()) {
        for (int i = 0; i < memory.capacity(); i += 4096) {
          memory.putInt(i, n++);
        }
      }
    });
    writer.start();
    try {
      for (int round = 0; round < 3; round++) {
        StackImageWriter w = new StackImageWriter(Images.HOST);
        w.addContext("only", ByteBuffer.wrap(Images.random(1, 100)));
        w.addRegion(REGION, () -> memory.duplicate().clear());
        Path p = dir.resolve("live" + round + ".b8gimage");
        w.writeTo(p);
        StackImage image = StackImage.open(p, Images.HOST); // verifies every checksum
        assertEquals(REGION.size(), image.regionBytes(0).remaining());
      }
    } finally {
      stop.set(true);
      writer.join();
    }
  }

  @Test
  void shouldRefuseARegionCutShortUnderTheWriter() throws Exception {
    Path shm = dir.resolve("region.shm");
    Path target = dir.resolve("cut.b8gimage");
    try (FileChannel ch = FileChannel.open(shm, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
      MappedByteBuffer mapped = ch.map(FileChannel.MapMode.READ_WRITE, 0, REGION.size());
      mapped.put(0, (byte) 1);
      ch.truncate(4096); // another process shrinks the shared-memory file
      StackImageWriter w = new StackImageWriter(Images.HOST);
      w.addContext("only", ByteBuffer.wrap(Images.random(1, 100)));
      w.addRegion(REGION, () -> mapped.duplicate().clear());
      ImageException e = assertThrows(ImageException.class, () -> w.writeTo(target));
      assertEquals(ImageException.IO, e.code(), e.getMessage());
      assertTrue(e.getMessage().contains("memory could not be read"), e.getMessage());
    }
    assertFalse(Files.exists(target));
    try (var files = Files.list(dir)) {
      assertEquals(1, files.count(), "the temporary file is gone");
    }
  }

  @Test
  void shouldReportAFileCutShortAfterItWasOpenedAsTruncated() throws Exception {
    Path p = dir.resolve("open.b8gimage");
    StackImageWriter w = Images.sampleWriter();
    w.writeTo(p);
    StackImage image = StackImage.open(p, Images.HOST);
    byte[] before = image.contextBytes(0);
    try (FileChannel ch = FileChannel.open(p, StandardOpenOption.WRITE)) {
      ch.truncate(4096); // the context blobs are written last, past the first page
    }
    ImageException e = assertThrows(ImageException.class, () -> image.contextBytes(0));
    assertEquals(ImageException.TRUNCATED, e.code(), e.getMessage());
    assertEquals(ImageException.TRUNCATED, assertThrows(ImageException.class, () -> image.contextBlob(1)).code());
    assertEquals(ImageException.TRUNCATED, assertThrows(ImageException.class, () -> StackImage.open(p, Images.HOST)).code());
    assertArrayEquals(Images.random(1, 777), before);
  }
}
