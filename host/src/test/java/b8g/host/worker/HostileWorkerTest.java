package b8g.host.worker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import b8g.capabilities.Capability;
import b8g.capabilities.Right;
import b8g.components.Component;
import b8g.components.Limits;
import b8g.host.NoShmLeftBehind;
import b8g.memory.Region;
import b8g.memory.Ring;
import b8g.memory.RingDescriptor;
import b8g.memory.RingWriter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * A hostile worker: a process that passed every check of the handshake (its token, its process
 * id, this user), was given components, and then breaks the protocol ({@link HostileWorkerMain}):
 * a wake-up for memory it was never granted as a channel, a start, line or end of a component it
 * does not run, a frame out of sequence, garbage. Each time the host ends that worker, fails every
 * component it still ran there with the code and what the worker did, and nothing else: a real
 * worker beside it keeps running its component and starts new ones.
 */
@ExtendWith(NoShmLeftBehind.class)
class HostileWorkerTest {
  private static final Duration START = Duration.ofSeconds(60);
  private static final List<String> lines = new CopyOnWriteArrayList<>();
  private static final Map<String, Component.ExitStatus> ends = new ConcurrentHashMap<>();
  private static final RemoteComponent.Listener LISTENER = new RemoteComponent.Listener() {
    @Override
    public void log(RemoteComponent c, String level, String text) {
      lines.add(c.pid() + " " + c.name() + ": " + text);
    }

    @Override
    public void exited(RemoteComponent c, Component.ExitStatus status) {
      ends.put(c.pid() + " " + c.name(), status);
    }
  };
  private static final Capability LOG = Capability.root(Capability.Kind.LOG, null, Set.of());
  /** A real worker beside every hostile one, with a component that ticks all along. */
  private static WorkerComponents good;
  private static RemoteComponent ticker;

  @BeforeAll
  static void startAGoodWorker() throws Exception {
    good = new WorkerComponents(WorkerProcess.start(WorkerProcess.defaultCommand(), START));
    ticker = good.start("ticker", "async function main(env) { for (let i = 0; ; i++) { console.log('tick', i); await new Promise(r => setTimeout(r, 20)); } }",
        "ticker.js", Limits.DEFAULT, List.of(Component.EnvEntry.of("log", LOG)), LISTENER);
    assertTrue(ticker.awaitStarted(START));
  }

  @AfterAll
  static void closeTheGoodWorker() {
    good.close();
  }

  private static List<String> hostile(String mode) {
    List<String> cmd = new ArrayList<>(WorkerProcess.defaultCommand());
    cmd.set(cmd.size() - 1, HostileWorkerMain.class.getName());
    cmd.add(mode);
    return cmd;
  }

  private static long ticks() {
    return lines.stream().filter(l -> l.startsWith(good.worker().pid() + " ticker: tick")).count();
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', textBlock = """
      wake-ungranted        | worker.forged    | woke memory 4242, which this host did not grant there as a channel
      wake-region           | worker.forged    | woke memory 1, which this host did not grant there as a channel
      started-other         | worker.forged    | spoke for component "not-mine", which this host does not run there
      log-other             | worker.forged    | spoke for component "not-mine", which this host does not run there
      exited-other          | worker.forged    | spoke for component "not-mine", which this host does not run there
      log-after-exit        | worker.forged    | spoke for component "victim", which this host does not run there
      bad-outcome           | worker.garbage   | reported an end of kind EXPLODED
      out-of-sequence       | worker.order     | carries sequence number 9, expected 4
      repeated-sequence     | worker.order     | carries sequence number 3, expected 4
      garbage-after-hello   | worker.garbage   | is not a worker frame
      oversized-after-hello | worker.oversized | claims 2147483647 bytes (allowed 1..1048576)
      no-body               | worker.garbage   | has no body this build knows
      cut-short             | worker.garbage   | is cut short (the link closed inside it)
      """)
  void aWorkerThatBreaksTheProtocolIsEndedAndTakesOnlyItsComponents(String mode, String code, String what) throws Exception {
    // The victim holds a region (memory 1 on the link) and a channel end (memory 2).
    try (Region data = Region.shared("data", 4096);
        Region ringMemory = Region.shared("ring", 4096 + RingDescriptor.TRAILER_LENGTH);
        WorkerComponents bad = new WorkerComponents(WorkerProcess.start(hostile(mode), START))) {
      Ring ring = Ring.create(ringMemory);
      long pid = bad.worker().pid();
      List<Component.EnvEntry> env = List.of(
          Component.EnvEntry.of("data", Capability.root(Capability.Kind.REGION, data, EnumSet.of(Right.READ, Right.WRITE))),
          Component.EnvEntry.of("out", Capability.root(Capability.Kind.CHANNEL_WRITER, ring, EnumSet.of(Right.WRITE))),
          Component.EnvEntry.of("log", LOG));
      String idle = "async function main(env) { await new Promise(() => {}); }";
      RemoteComponent victim = bad.start("victim", idle, "victim.js", Limits.DEFAULT, env, LISTENER);
      RemoteComponent bystander = bad.start("bystander", idle, "bystander.js", Limits.DEFAULT, List.of(), LISTENER);
      long ticksBefore = ticks();

      Component.ExitStatus b = bystander.awaitExit(START);
      assertNotNull(b, mode + ": the host did not end the worker's components");
      assertEquals(Component.Outcome.FAILED, b.outcome(), b.toString());
      assertTrue(b.reason().startsWith("worker " + pid + " ended (killed by signal 9; " + code + ": worker " + pid), b.reason());
      assertTrue(b.reason().contains(what), b.reason());
      Component.ExitStatus v = victim.awaitExit(START);
      if (mode.equals("log-after-exit")) {
        assertEquals(new Component.ExitStatus(Component.Outcome.EXITED, 0, "done"), v, "its end came before the forged line");
      } else {
        assertEquals(b, v);
      }
      assertTrue(bad.worker().process().waitFor(10, TimeUnit.SECONDS), "the worker was ended");
      assertFalse(bad.alive());
      assertEquals("worker.gone", assertThrows(WorkerException.class,
          () -> bad.start("later", idle, "later.js", Limits.DEFAULT, List.of(), LISTENER)).code(), "nothing starts there any more");

      // The worker beside it: its component ticks on, and a new one starts and ends there.
      long deadline = System.nanoTime() + START.toNanos();
      while (ticks() <= ticksBefore + 2 && System.nanoTime() < deadline) {
        Thread.sleep(10);
      }
      assertTrue(ticks() > ticksBefore + 2, "the good worker's ticker stopped: " + ticker.status() + " alive " + good.alive()
          + " " + good.worker().exitReason() + " ticks " + ticksBefore + " -> " + ticks() + " last " + lines.subList(Math.max(0, lines.size() - 3), lines.size()));
      assertNull(ticker.status(), "the good worker's ticker ended: " + ticker.status());
      RemoteComponent after = good.start("after-" + mode, "async function main(env) { console.log('still here'); }", "after.js",
          Limits.DEFAULT, List.of(Component.EnvEntry.of("log", LOG)), LISTENER);
      Component.ExitStatus a = after.awaitExit(START);
      assertTrue(a != null && a.success(), String.valueOf(a));
      assertTrue(lines.contains(good.worker().pid() + " after-" + mode + ": still here"), lines.toString());
    }
  }

  /**
   * A worker that stops reading its link while the host keeps sending to it. Here it holds the
   * reading end of a ring and, without reading its link, consumes whatever the host's side writes
   * and keeps the ring's reader-waiting flag set, so writes keep sending it Wake frames; once the
   * socket's buffer is full, the host's send blocks until the worker reads or dies. The host's
   * side must not block for ever on a worker: the worker should be ended (its components failed)
   * instead, and closing it must return.
   *
   * <p>It blocked for ever before the host's frames to a worker went through a queue of their own
   * ({@code WorkerOutbox}): the writer's thread in FrameChannel.send under Ring.wakeReader, and
   * close() behind it. Now the worker is ended as stalled and its component fails with that reason.
   */
  @Test
  void aWorkerThatStopsReadingNeverBlocksTheHost() throws Exception {
    try (Region ringMemory = Region.shared("ring", (1 << 20) + RingDescriptor.TRAILER_LENGTH);
        WorkerComponents bad = new WorkerComponents(WorkerProcess.start(hostile("deaf-waker"), START))) {
      Ring ring = Ring.create(ringMemory);
      RemoteComponent victim = bad.start("victim", "async function main(env) { for await (const m of env.in) {} }", "victim.js",
          Limits.DEFAULT, List.of(Component.EnvEntry.of("in", Capability.root(Capability.Kind.CHANNEL_READER, ring, EnumSet.of(Right.READ)))),
          LISTENER);
      RingWriter w = ring.writer();
      AtomicLong written = new AtomicLong();
      Thread writer = new Thread(() -> {
        byte[] m = new byte[8];
        // Until the host ends the victim: the stall shows once one write to the worker has hung for
        // WorkerOutbox.STALL (10 s), after the link's buffer filled; on a loaded machine that is
        // later than 10 s after the first write.
        long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(40);
        while (victim.status() == null && System.nanoTime() < until) {
          if (w.offer(m, RingDescriptor.TYPE_BYTES)) {
            written.incrementAndGet();
          }
        }
      }, "java-writer");
      writer.setDaemon(true);
      writer.start();
      writer.join(60_000);
      Thread closer = new Thread(bad::close, "closer");
      closer.setDaemon(true);
      try {
        boolean writerBlocked = writer.isAlive();
        String writerAt = b8gFrames(writer);
        closer.start();
        closer.join(10_000);
        assertFalse(writerBlocked || closer.isAlive(), "after " + written.get() + " messages, the writer "
            + (writerBlocked ? "blocked in " + writerAt : "went on") + "; close() " + (closer.isAlive() ? "blocked in " + b8gFrames(closer) : "returned"));
        Component.ExitStatus end = victim.awaitExit(Duration.ofSeconds(10));
        assertTrue(end != null && end.reason().contains("worker.stalled"), "the victim ended " + end);
      } finally {
        bad.worker().process().destroyForcibly(); // unblocks both
        writer.join(10_000);
      }
    }
  }

  /** The frames of this code base in {@code t}'s stack, innermost first. */
  private static String b8gFrames(Thread t) {
    return Arrays.stream(t.getStackTrace()).filter(f -> f.getClassName().startsWith("b8g."))
        .map(f -> f.getClassName().substring(f.getClassName().lastIndexOf('.') + 1) + "." + f.getMethodName()).toList().toString();
  }
}
