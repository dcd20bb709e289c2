package b8g.registry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/**
 * An interrupt of a batch of blob transfers ends the wait for them even when a transfer does not
 * notice the stop (as one inside an fsync would not): after the grace the caller gets the
 * interrupted error naming what still runs, with its interrupt status set; the stragglers end on
 * their own. The bounds are generous, not timings.
 */
class BlobTransfersStopTest {
  private static final long BOUND_SECONDS = 30;

  @Test
  void shouldEndAnInterruptedBatchWhoseTransferIgnoresTheStop() throws Exception {
    Descriptor stubborn = blob('a', 2);
    Descriptor quick = blob('b', 1);
    CountDownLatch started = new CountDownLatch(2);
    AtomicBoolean release = new AtomicBoolean();
    AtomicReference<Throwable> thrown = new AtomicReference<>();
    AtomicBoolean flagAfter = new AtomicBoolean();
    Thread caller = new Thread(() -> {
      try {
        BlobTransfers.each(List.of(stubborn, quick), d -> {
          started.countDown();
          if (d == quick) {
            try {
              Thread.sleep(TimeUnit.MINUTES.toMillis(5)); // a transfer the stop ends (its interrupt)
            } catch (InterruptedException e) {
              throw new RegistryException(RegistryException.CONNECTION, "stopped");
            }
            return;
          }
          while (!release.get()) { // a transfer nothing reaches: it ignores interrupts
            try {
              Thread.sleep(10);
            } catch (InterruptedException ignored) {
              // as an fsync would
            }
          }
        });
      } catch (Throwable e) {
        thrown.set(e);
      }
      flagAfter.set(Thread.currentThread().isInterrupted());
    }, "stop-test-caller");
    try {
      caller.start();
      assertTrue(started.await(BOUND_SECONDS, TimeUnit.SECONDS), "both transfers started");
      caller.interrupt();
      caller.join(TimeUnit.SECONDS.toMillis(BOUND_SECONDS));
      assertFalse(caller.isAlive(), "the interrupted batch ended although one transfer ignores the stop");
      RegistryException e = assertInstanceOf(RegistryException.class, thrown.get(), () -> "thrown: " + thrown.get());
      assertEquals(RegistryException.CONNECTION, e.code(), e.getMessage());
      assertTrue(e.getMessage().startsWith("interrupted while moving blobs"), e.getMessage());
      assertTrue(e.getMessage().contains("1 transfer(s) had not ended 5 s after the stop (b8g-registry-blob-"), e.getMessage());
      assertTrue(flagAfter.get(), "the interrupt status is set again");
    } finally {
      release.set(true);
    }
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(BOUND_SECONDS);
    while (!CancelTest.operationThreads().isEmpty() && System.nanoTime() < deadline) {
      Thread.sleep(20);
    }
    assertEquals(List.of(), CancelTest.operationThreads(), "the straggler ended once released");
  }

  @Test
  void shouldWaitOutAThreadThroughInterruptsUpToTheBound() throws Exception {
    CountDownLatch end = new CountDownLatch(1);
    Thread t = new Thread(() -> {
      try {
        end.await();
      } catch (InterruptedException ignored) {
        // ends
      }
    });
    t.start();
    Thread.currentThread().interrupt();
    assertFalse(BlobTransfers.awaitEnd(t, TimeUnit.MILLISECONDS.toNanos(200)), "still running after the bound");
    assertTrue(Thread.interrupted(), "the interrupt status is set again");
    end.countDown();
    assertTrue(BlobTransfers.awaitEnd(t, TimeUnit.SECONDS.toNanos(BOUND_SECONDS)));
  }

  private static Descriptor blob(char hex, long size) {
    return new Descriptor("application/octet-stream", "sha256:" + String.valueOf(hex).repeat(64), size, null, Map.of());
  }
}
