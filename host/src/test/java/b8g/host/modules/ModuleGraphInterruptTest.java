package b8g.host.modules;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import b8g.components.ComponentException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A host stopping while it reads a component's large module graph: an interrupt of the reading
 * thread ends the read promptly with {@code component.interrupted}, the interrupt status set again,
 * and no reader thread left behind. The bounds are generous, not timings.
 */
class ModuleGraphInterruptTest {
  private static final long BOUND_SECONDS = 10;
  private static final int FILES = 3_000;

  @TempDir Path dir;

  @Test
  void shouldEndAnInterruptedReadOfALargeGraph() throws Exception {
    // A chain of modules, each requiring the next: read one after another, thousands of parses.
    for (int i = 0; i < FILES; i++) {
      String next = i + 1 < FILES ? "require('./m" + (i + 1) + ".js');\n" : "";
      Files.writeString(dir.resolve("m" + i + ".js"), next + "module.exports = function f" + i + "(a, b) { return a + b * " + i + "; };\n");
    }
    AtomicReference<Object> result = new AtomicReference<>();
    AtomicBoolean flagAfter = new AtomicBoolean();
    Thread caller = new Thread(() -> {
      try {
        result.set(ModuleGraph.read(dir, dir.resolve("m0.js"), "test: "));
      } catch (RuntimeException e) {
        result.set(e);
      }
      flagAfter.set(Thread.currentThread().isInterrupted());
    }, "module-graph-caller");
    caller.start();
    // Interrupt once the caller waits for its reader (which then has thousands of files to go).
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(BOUND_SECONDS);
    while (caller.getState() != Thread.State.WAITING && caller.isAlive() && System.nanoTime() < deadline) {
      Thread.onSpinWait();
    }
    caller.interrupt();
    caller.join(TimeUnit.SECONDS.toMillis(BOUND_SECONDS));
    assertFalse(caller.isAlive(), "the interrupted read ended");
    ComponentException e = assertInstanceOf(ComponentException.class, result.get(), () -> "result: " + result.get());
    assertEquals("component.interrupted", e.code(), e.getMessage());
    assertTrue(e.getMessage().startsWith("test: interrupted while reading the module graph of "), e.getMessage());
    assertTrue(flagAfter.get(), "the interrupt status is set again");
    assertEquals(List.of(), readers(), "no reader thread is left");
  }

  @Test
  void shouldStillReadTheSameGraphWhenNotInterrupted() throws Exception {
    for (int i = 0; i < 50; i++) {
      String next = i + 1 < 50 ? "require('./m" + (i + 1) + ".js');\n" : "";
      Files.writeString(dir.resolve("m" + i + ".js"), next + "module.exports = " + i + ";\n");
    }
    assertEquals(50, ModuleGraph.read(dir, dir.resolve("m0.js"), "test: ").size());
    assertFalse(Thread.currentThread().isInterrupted());
  }

  /** The module-graph reader threads alive, waited for up to the bound to end. */
  private static List<String> readers() throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(BOUND_SECONDS);
    List<String> alive;
    do {
      alive = Thread.getAllStackTraces().keySet().stream()
          .filter(t -> t.isAlive() && t.getName().equals("b8g-module-graph")).map(Thread::getName).toList();
      if (alive.isEmpty()) {
        break;
      }
      Thread.sleep(20);
    } while (System.nanoTime() < deadline);
    return alive;
  }
}
