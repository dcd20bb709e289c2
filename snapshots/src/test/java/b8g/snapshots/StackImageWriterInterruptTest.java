package b8g.snapshots;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A stop while an image is written: the writing thread, interrupted, ends promptly with {@code
 * image.interrupted}, keeps its interrupt status, and leaves nothing: no temporary file (not even
 * an open one), the target as it was. The bounds are generous, not timings.
 */
class StackImageWriterInterruptTest {
  private static final long BOUND_SECONDS = 10;

  @TempDir Path dir;

  @AfterEach
  void clearInterrupt() {
    Thread.interrupted();
  }

  @Test
  void shouldEndAnInterruptedWriteLeavingThePreviousImage() throws Exception {
    Path target = dir.resolve("stack.b8gi");
    Images.sampleWriter().writeTo(target);
    byte[] before = Files.readAllBytes(target);

    CountDownLatch entered = new CountDownLatch(1);
    StackImageWriter w = new StackImageWriter(Images.HOST);
    w.addContext("c", ByteBuffer.wrap(Images.random(1, 100)));
    w.addRegion(new RegionRecord("first", 1 << 20, RegionRecord.Backing.ANONYMOUS, 3), ByteBuffer.wrap(Images.random(2, 1 << 20)));
    // A source slow to hand over its bytes (live memory being paused): it gives them when interrupted.
    w.addRegion(new RegionRecord("slow", 4096, RegionRecord.Backing.ANONYMOUS, 3), () -> {
      entered.countDown();
      try {
        Thread.sleep(TimeUnit.MINUTES.toMillis(5));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      return ByteBuffer.allocate(4096);
    });
    AtomicReference<Throwable> failure = new AtomicReference<>();
    AtomicBoolean flagAfter = new AtomicBoolean();
    Thread writer = new Thread(() -> {
      try {
        w.writeTo(target);
      } catch (Throwable e) {
        failure.set(e);
      }
      flagAfter.set(Thread.currentThread().isInterrupted());
    }, "image-writer");
    writer.start();
    assertTrue(entered.await(BOUND_SECONDS, TimeUnit.SECONDS), "the writer reached the slow region");
    writer.interrupt();
    writer.join(TimeUnit.SECONDS.toMillis(BOUND_SECONDS));
    assertFalse(writer.isAlive(), "the interrupted write ended");
    ImageException e = assertInstanceOf(ImageException.class, failure.get(), () -> "failure: " + failure.get());
    assertEquals(ImageException.INTERRUPTED, e.code(), e.getMessage());
    assertTrue(e.getMessage().contains("interrupted while writing the stack image; nothing was written"), e.getMessage());
    assertTrue(flagAfter.get(), "the interrupt status stays set");
    assertArrayEquals(before, Files.readAllBytes(target), "the previous image is untouched");
    assertEquals(List.of(target), files(), "no temporary file");
    assertEquals(List.of(), openTempFiles(), "no temporary file held open");
  }

  @Test
  void shouldStopWaitingForTheFlushWhenInterruptedAtCommit() throws Exception {
    Path target = dir.resolve("flushed.b8gi");
    StackImageWriter w = new StackImageWriter(Images.HOST);
    w.addContext("c", ByteBuffer.wrap(Images.random(1, 100)));
    w.addRegion(new RegionRecord("big", 8 << 20, RegionRecord.Backing.ANONYMOUS, 3), ByteBuffer.wrap(Images.random(3, 8 << 20)));
    try (StackImageWriter.Output out = w.open(target)) {
      out.writeRegions(); // starts the flush of the region bytes on another thread
      Thread.currentThread().interrupt(); // the stop arrives while commit would wait for that flush
      ImageException e = assertThrows(ImageException.class, out::commit);
      assertEquals(ImageException.INTERRUPTED, e.code(), e.getMessage());
      assertTrue(Thread.currentThread().isInterrupted(), "the interrupt status stays set");
    }
    Thread.interrupted();
    assertEquals(List.of(), files(), "neither target nor temporary file");
    assertEquals(List.of(), openTempFiles(), "the flush closed the abandoned file when it ended");
    // The writer is still usable by a thread that is not stopped.
    w.writeTo(target);
    assertEquals(1, StackImage.open(target, Images.HOST).componentCount());
  }

  private List<Path> files() throws IOException {
    try (Stream<Path> s = Files.list(dir)) {
      return s.toList();
    }
  }

  /** This process's open descriptors on files in {@link #dir}, waited for up to the bound to close. */
  private List<String> openTempFiles() throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(BOUND_SECONDS);
    List<String> open;
    do {
      try (Stream<Path> fds = Files.list(Path.of("/proc/self/fd"))) {
        open = fds.map(fd -> {
          try {
            return Files.readSymbolicLink(fd).toString();
          } catch (IOException gone) {
            return "";
          }
        }).filter(link -> link.startsWith(dir.toString())).toList();
      }
      if (open.isEmpty()) {
        break;
      }
      Thread.sleep(20);
    } while (System.nanoTime() < deadline);
    return open;
  }
}
