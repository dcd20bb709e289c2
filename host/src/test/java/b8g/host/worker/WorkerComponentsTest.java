package b8g.host.worker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import b8g.host.NoShmLeftBehind;
import b8g.capabilities.Capability;
import b8g.components.Component;
import b8g.components.Limits;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Components in a real worker process: their lines and ends reach the host; the worker's death is theirs alone. */
@ExtendWith(NoShmLeftBehind.class)
class WorkerComponentsTest {
  private final List<String> lines = new CopyOnWriteArrayList<>();
  private final Map<String, Component.ExitStatus> ends = new ConcurrentHashMap<>();
  private final RemoteComponent.Listener listener = new RemoteComponent.Listener() {
    @Override
    public void log(RemoteComponent c, String level, String text) {
      lines.add(c.name() + ": " + text);
    }

    @Override
    public void exited(RemoteComponent c, Component.ExitStatus status) {
      ends.put(c.name(), status);
    }
  };
  private static final List<Component.EnvEntry> LOG =
      List.of(Component.EnvEntry.of("log", Capability.root(Capability.Kind.LOG, null, Set.of())));

  private Component.ExitStatus awaitEnd(String name) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (!ends.containsKey(name) && System.nanoTime() < deadline) {
      Thread.sleep(10);
    }
    return ends.get(name);
  }

  private void awaitLine(String line) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (!lines.contains(line) && System.nanoTime() < deadline) {
      Thread.sleep(10);
    }
    assertTrue(lines.contains(line), "saw " + lines);
  }

  @Test
  void componentsRunInTheWorkerAndOneOverItsLimitTakesOnlyItself() throws Exception {
    try (WorkerComponents w = new WorkerComponents(WorkerProcess.start(WorkerProcess.defaultCommand(), Duration.ofSeconds(30)))) {
      w.start("hello", "async function main(env) { console.log('hello from worker', typeof env.log); }", "hello.js", Limits.DEFAULT, LOG, listener);
      w.start("spin", "async function main(env) { for (;;) {} }", "spin.js", new Limits(64L << 20, 200), List.of(), listener);
      Component.ExitStatus hello = awaitEnd("hello");
      assertNotNull(hello);
      assertTrue(hello.success(), hello.toString());
      assertTrue(lines.contains("hello: hello from worker object"), "saw " + lines);
      Component.ExitStatus spin = awaitEnd("spin");
      assertNotNull(spin);
      assertEquals(Component.Outcome.TERMINATED, spin.outcome());
      assertTrue(spin.reason().contains("CPU limit exceeded"), spin.reason());
      // The worker goes on after one of its components was terminated.
      w.start("after", "async function main(env) { console.log('still here'); }", "after.js", Limits.DEFAULT, LOG, listener);
      assertTrue(awaitEnd("after").success());
      assertTrue(w.worker().process().isAlive());
    }
  }

  @Test
  void aWorkerKilledWithNineFailsItsComponentsWithTheSignal() throws Exception {
    assertDeathReported("KILL", "killed by signal 9");
  }

  @Test
  void aWorkerThatAbortsAsV8DoesFailsItsComponentsWithTheSignal() throws Exception {
    assertDeathReported("ABRT", "killed by signal 6");
  }

  private void assertDeathReported(String signal, String expected) throws Exception {
    try (WorkerComponents w = new WorkerComponents(WorkerProcess.start(WorkerProcess.defaultCommand(), Duration.ofSeconds(30)))) {
      w.start("ticker", "async function main(env) { for (;;) { console.log('tick'); await new Promise(r => setTimeout(r, 20)); } }",
          "ticker.js", Limits.DEFAULT, LOG, listener);
      awaitLine("ticker: tick");
      Process kill = new ProcessBuilder("kill", "-" + signal, Long.toString(w.worker().pid())).inheritIO().start();
      assertEquals(0, kill.waitFor());
      Component.ExitStatus st = awaitEnd("ticker");
      assertNotNull(st, "the host learns that the worker's component ended");
      assertEquals(Component.Outcome.FAILED, st.outcome());
      assertTrue(st.reason().contains(expected), st.reason());
    }
  }
}
