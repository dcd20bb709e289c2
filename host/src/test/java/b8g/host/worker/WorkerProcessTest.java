package b8g.host.worker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import b8g.host.NoShmLeftBehind;
import b8g.host.worker.wire.Frame;
import b8g.host.worker.wire.Ping;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** Worker processes, for real: spawned JVMs of this build over a Unix domain socket. */
@ExtendWith(NoShmLeftBehind.class)
class WorkerProcessTest {
  private static final Duration START = Duration.ofSeconds(30);

  /** Where this test's workers make their directories (other tests may start workers meanwhile). */
  @TempDir static Path tmp;

  private static List<Path> workerDirs() throws Exception {
    try (Stream<Path> s = Files.list(tmp)) {
      return s.filter(p -> p.getFileName().toString().startsWith("b8g-worker-")).toList();
    }
  }

  private static List<String> hostile(String mode) {
    List<String> cmd = new ArrayList<>(WorkerProcess.defaultCommand());
    cmd.set(cmd.size() - 1, HostileWorkerMain.class.getName());
    cmd.add(mode);
    return cmd;
  }

  @Test
  void aWorkerIsWelcomedAnswersAndEndsWithTheHostsGoodbye() throws Exception {
    List<Path> before = workerDirs();
    WorkerProcess w = WorkerProcess.start(WorkerProcess.defaultCommand(), START, tmp);
    try {
      for (long nonce = 1; nonce <= 100; nonce++) {
        w.link().send(Frame.newBuilder().setPing(Ping.newBuilder().setNonce(nonce)));
        Frame f = w.link().receive();
        assertEquals(Frame.BodyCase.PONG, f.getBodyCase());
        assertEquals(nonce, f.getPong().getNonce());
      }
    } finally {
      w.close();
    }
    assertTrue(w.process().waitFor(10, TimeUnit.SECONDS));
    assertEquals(0, w.process().exitValue(), w.exitReason());
    assertEquals(before, workerDirs(), "the worker's directory is gone");
  }

  @Test
  void aWorkerWhoseHostIsKilledExitsByItself() throws Exception {
    List<Path> before = workerDirs();
    List<String> cmd = new ArrayList<>(WorkerProcess.defaultCommand());
    cmd.set(cmd.size() - 1, HostMain.class.getName());
    cmd.add(tmp.toString());
    Process host = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.INHERIT).start();
    try (BufferedReader out = new BufferedReader(new InputStreamReader(host.getInputStream(), StandardCharsets.UTF_8))) {
      String line = out.readLine();
      assertTrue(line != null && line.startsWith("worker "), "host said: " + line);
      long pid = Long.parseLong(line.substring("worker ".length()));
      Optional<ProcessHandle> worker = ProcessHandle.of(pid);
      assertTrue(worker.isPresent() && worker.get().isAlive(), "the worker runs");
      host.destroyForcibly(); // kill -9: the host gets no chance to say goodbye
      assertTrue(host.waitFor(10, TimeUnit.SECONDS));
      assertTrue(worker.get().onExit().completeOnTimeout(null, 20, TimeUnit.SECONDS).get() != null,
          "the worker exits by itself once its host is gone");
      assertEquals(before, workerDirs(), "a host killed with -9 leaves no worker directory behind");
    } finally {
      host.destroyForcibly();
    }
  }

  @Test
  void impostorsAndGarbageAreRefusedAndTheHostGoesOn() throws Exception {
    List<Path> before = workerDirs();
    String[][] cases = {
        {"wrong-token", "worker.refused", "did not present the token"},
        {"wrong-pid", "worker.refused", "says it is process 1"},
        {"ping-first", "worker.refused", "began with PING"},
        {"garbage", "worker.garbage", "frame 1 at byte 0"},
        {"oversized", "worker.oversized", "frame 1 at byte 0 claims 2147483647 bytes"},
        {"silent", "worker.start", "said nothing within 3000 ms"},
        {"never-connects", "worker.start", "did not connect within 3000 ms"},
    };
    for (String[] c : cases) {
      WorkerException e = assertThrows(WorkerException.class,
          () -> WorkerProcess.start(hostile(c[0]), Duration.ofSeconds(3), tmp), c[0]);
      assertEquals(c[1], e.code(), c[0] + ": " + e.getMessage());
      assertTrue(e.getMessage().contains(c[2]), c[0] + ": " + e.getMessage());
    }
    assertEquals(before, workerDirs(), "refused workers leave no directory behind");
    // The host goes on: a real worker still starts after all of them.
    try (WorkerProcess w = WorkerProcess.start(WorkerProcess.defaultCommand(), START, tmp)) {
      assertFalse(w.exitReason().isEmpty());
      assertTrue(w.process().isAlive());
    }
  }
}
