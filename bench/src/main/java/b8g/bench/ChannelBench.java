package b8g.bench;

import b8g.memory.counters.CounterType;
import b8g.memory.counters.CountersFile;

import b8g.capabilities.Capability;
import b8g.capabilities.Capability.Kind;
import b8g.capabilities.Right;
import b8g.components.Component;
import b8g.components.Component.EnvEntry;
import b8g.memory.Message;
import b8g.memory.Region;
import b8g.memory.Ring;
import b8g.memory.RingDescriptor;
import b8g.memory.RingReader;
import b8g.memory.RingWriter;
import com.caoccao.javet.interop.V8Runtime;
import com.caoccao.javet.values.reference.V8ValueArrayBuffer;
import com.caoccao.javet.values.reference.V8ValueGlobalObject;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.EnumSet;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Channel throughput between two isolates on two threads: the platform (two components, channel
 * stubs from env) against a raw JS ring over the same kind of buffer (two bare V8 runtimes). Each
 * side is driven in rounds: a calibration round sizes the rounds to about {@code targetSeconds},
 * one warm-up round, then {@code rounds} measured rounds in the same isolates (JIT stays warm),
 * platform and baseline rounds alternating so that the load of a shared machine hits both alike.
 */
final class ChannelBench {
  /** The manifest's default channel capacity. */
  static final int CAPACITY = 1 << 20;

  /** One round: n messages through, returns seconds. */
  interface Driver {
    double round(long n) throws Exception;

    /** Times each side waited (parked) per message over the rounds since the last call, or null. */
    default double[] waitsPerMessage() {
      return null;
    }

    /** Ends both sides and releases their memory; fails if a side did not end cleanly. */
    void finish() throws Exception;

    /** After a failure: stops both sides at once and releases what can be released; quiet. */
    void abandon() throws Exception;
  }

  /** A measurement: messages per second per round, and the round size used. */
  record Result(Stats msgsPerSecond, long messagesPerRound, int size, double[] waitsPerMessage) {
    Stats gibPerSecond() {
      double f = size / (double) (1L << 30);
      return new Stats(msgsPerSecond.median() * f, msgsPerSecond.p90() * f, msgsPerSecond.min() * f, msgsPerSecond.max() * f, msgsPerSecond.count(), null);
    }
  }

  private ChannelBench() {}

  /** Platform and baseline measured in alternating rounds, so load changes hit both alike. */
  record Pair(Result platform, Result baseline, Stats ratio) {}

  /** Makes a driver (starts its isolates). */
  interface Factory {
    Driver open() throws Exception;
  }

  /**
   * Both drivers measured; both are finished (or, after a failure, abandoned) before this returns.
   *
   * @throws FigureFailed if a side could not be measured: a component ended, or a wait reached its
   *     bound ({@link Watch#bound()})
   */
  static Pair measure(Factory platformFactory, Factory baselineFactory, int size, long n0, double targetSeconds, int rounds)
      throws Exception {
    return measure(platformFactory, baselineFactory, size, n0, targetSeconds, rounds, null);
  }

  /** More measurements on the same two drivers, after the rounds and before they are finished. */
  interface Probe {
    void run(Driver platform, Driver baseline) throws Exception;
  }

  /** As {@link #measure(Factory, Factory, int, long, double, int)}, then {@code probe} (if not null). */
  static Pair measure(Factory platformFactory, Factory baselineFactory, int size, long n0, double targetSeconds, int rounds,
      Probe probe) throws Exception {
    Driver platform = null;
    Driver baseline = null;
    Pair pair;
    try {
      platform = platformFactory.open();
      baseline = baselineFactory.open();
      long np = calibrate(platform, n0, targetSeconds);
      long nb = calibrate(baseline, n0, targetSeconds);
      double[] p = new double[rounds];
      double[] b = new double[rounds];
      double[] r = new double[rounds];
      for (int i = 0; i < rounds; i++) {
        b[i] = nb / baseline.round(nb);
        p[i] = np / platform.round(np);
        r[i] = p[i] / b[i];
      }
      pair = new Pair(new Result(Stats.of(p), np, size, platform.waitsPerMessage()),
          new Result(Stats.of(b), nb, size, baseline.waitsPerMessage()), Stats.of(r));
      if (probe != null) {
        probe.run(platform, baseline);
      }
    } catch (Exception | Error e) {
      for (Driver d : new Driver[] {platform, baseline}) {
        if (d != null) {
          try {
            d.abandon();
          } catch (Exception | Error cleanup) {
            e.addSuppressed(cleanup);
          }
        }
      }
      throw e;
    }
    try {
      platform.finish();
    } finally {
      baseline.finish();
    }
    return pair;
  }

  /** A short round to size the rounds, then one warm-up round of that size. */
  private static long calibrate(Driver d, long n0, double targetSeconds) throws Exception {
    double s0 = d.round(n0);
    long n = Math.max(n0, (long) (n0 * targetSeconds / Math.max(s0, 1e-6)));
    d.round(n);
    d.waitsPerMessage();
    return n;
  }

  // ---- platform ---------------------------------------------------------------------------------

  /**
   * Two components; env.go (Java writes round sizes) and env.ack (Java reads round ends). Every
   * wait watches both components ({@link Watch}): if the platform ends one of them, the round fails
   * at once with its reason, and the other is terminated.
   */
  static final class Platform implements Driver {
    private final Region ch;
    private final Region goRegion;
    private final Region ackRegion;
    private final RingWriter go;
    private final RingReader ack;
    private final Region statsRegion;
    private final RingReader stats;
    private long writerWaits;
    private long readerWaits;
    private long messages;
    private final Component reader;
    private final Component writer;

    Platform(int size, String mode, int spin) throws InterruptedException {
      this(size, mode, spin, null);
    }

    /** As above; with {@code counters}, each component stores its figures into a block of that file at turn ends. */
    Platform(int size, String mode, int spin, CountersFile counters) throws InterruptedException {
      ch = Region.anonymous("bench-ch", CAPACITY + RingDescriptor.TRAILER_LENGTH);
      goRegion = Region.anonymous("bench-go", 4096 + RingDescriptor.TRAILER_LENGTH);
      ackRegion = Region.anonymous("bench-ack", 4096 + RingDescriptor.TRAILER_LENGTH);
      Ring ring = Ring.create(ch);
      Ring goRing = Ring.create(goRegion);
      Ring ackRing = Ring.create(ackRegion);
      statsRegion = Region.anonymous("bench-stats", 4096 + RingDescriptor.TRAILER_LENGTH);
      Ring statsRing = Ring.create(statsRegion);
      stats = statsRing.reader();
      go = goRing.writer();
      ack = ackRing.reader();
      reader = Component.start(new Component.Context()
          .name("bench-reader")
          .script(Bench.resource("channel-reader.js"), "channel-reader.js")
          .cpuMillisPerTurn(600_000)
          .grant(EnvEntry.of("in", Capability.root(Kind.CHANNEL_READER, ring, EnumSet.of(Right.READ)).derive()))
          .grant(EnvEntry.of("ack", Capability.root(Kind.CHANNEL_WRITER, ackRing, EnumSet.of(Right.WRITE)).derive()))
          .grant(EnvEntry.value("mode", mode))
          .grant(EnvEntry.value("spin", Integer.toString(spin)))
          .counters(counters == null ? null : counters.block(counters.allocate(CounterType.COMPONENT, "bench-reader", ""))));
      writer = Component.start(new Component.Context()
          .name("bench-writer")
          .script(Bench.resource("channel-writer.js"), "channel-writer.js")
          .cpuMillisPerTurn(600_000)
          .grant(EnvEntry.of("out", Capability.root(Kind.CHANNEL_WRITER, ring, EnumSet.of(Right.WRITE)).derive()))
          .grant(EnvEntry.of("go", Capability.root(Kind.CHANNEL_READER, goRing, EnumSet.of(Right.READ)).derive()))
          .grant(EnvEntry.of("stats", Capability.root(Kind.CHANNEL_WRITER, statsRing, EnumSet.of(Right.WRITE)).derive()))
          .grant(EnvEntry.value("size", Integer.toString(size)))
          .grant(EnvEntry.value("spin", Integer.toString(spin)))
          .counters(counters == null ? null : counters.block(counters.allocate(CounterType.COMPONENT, "bench-writer", ""))));
      try {
        Watch.awaitStarted(reader, Watch.bound());
        Watch.awaitStarted(writer, Watch.bound());
      } catch (RuntimeException | InterruptedException e) {
        abandon();
        throw e;
      }
    }

    @Override
    public double round(long n) throws InterruptedException {
      Duration bound = Watch.bound();
      long t0 = System.nanoTime();
      Watch.write(go, Long.toString(n).getBytes(StandardCharsets.UTF_8), RingDescriptor.TYPE_TEXT,
          "the round size for bench-writer", bound, writer, reader);
      Message m = Watch.take(ack, "the end of a round of " + n + " messages from bench-reader", bound, reader, writer);
      long t1 = System.nanoTime();
      Message w = Watch.take(stats, "bench-writer's wait count", bound, writer, reader);
      readerWaits += Long.parseLong(m.text().split(" ")[0]);
      writerWaits += Long.parseLong(w.text());
      messages += n;
      return (t1 - t0) / 1e9;
    }

    @Override
    public double[] waitsPerMessage() {
      double[] r = {writerWaits / (double) Math.max(messages, 1), readerWaits / (double) Math.max(messages, 1)};
      writerWaits = 0;
      readerWaits = 0;
      messages = 0;
      return r;
    }

    @Override
    public void finish() throws Exception {
      // The go ring always has room for END unless bench-writer stopped reading it; end() below
      // then reports why.
      go.close(Watch.SLICE);
      boolean ended = Watch.end(Watch.bound(), writer, reader);
      release(ended);
      if (!ended || !writer.status().success() || !reader.status().success()) {
        throw new FigureFailed("the benchmark components did not end cleanly: " + Watch.describe(writer) + "; "
            + Watch.describe(reader));
      }
    }

    @Override
    public void abandon() throws InterruptedException {
      release(Watch.terminate("the figure was abandoned", writer, reader));
    }

    /** Closes the regions, unless a component that may still touch them is running. */
    private void release(boolean ended) {
      go.close(Duration.ZERO);
      if (!ended) {
        System.out.println("note: channel regions left mapped: " + Watch.describe(writer) + "; " + Watch.describe(reader));
        return;
      }
      ch.close();
      goRegion.close();
      ackRegion.close();
      statsRegion.close();
    }
  }

  // ---- raw baseline -----------------------------------------------------------------------------

  /** Two bare runtimes on two threads sharing one direct ByteBuffer; raw-ring.js, no platform code. */
  static final class Raw implements Driver {
    private final ByteBuffer buffer = ByteBuffer.allocateDirect(CAPACITY + RingDescriptor.TRAILER_LENGTH);
    private final JsThread writer;
    private final JsThread reader;
    private volatile boolean abandoned;

    Raw(int size, String mode) throws Exception {
      writer = new JsThread("raw-writer");
      reader = new JsThread("raw-reader");
      try {
        setup(writer, size, mode);
        setup(reader, size, mode);
      } catch (Exception | Error e) {
        abandon();
        throw e;
      }
    }

    private void setup(JsThread t, int size, String mode) throws Exception {
      t.submit(rt -> {
        rt.getExecutor(Bench.resource("raw-ring.js")).setResourceName("raw-ring.js").executeVoid();
        try (V8ValueArrayBuffer ab = rt.createV8ValueArrayBuffer(buffer);
             V8ValueGlobalObject g = rt.getGlobalObject()) {
          g.invokeVoid("setup", ab, CAPACITY, size, mode);
        }
        return null;
      }).get(Watch.bound().toNanos(), TimeUnit.NANOSECONDS);
    }

    /**
     * After a spin in JS found nothing to do: yield, and after a few yields sleep 20 us, so that on
     * an oversubscribed machine a spinner does not burn the quantum its partner needs. On an idle
     * machine the JS spin (2000 Atomics.load) almost always succeeds first.
     */
    private static void backOff(int idle) {
      if (idle < 4) {
        Thread.yield();
      } else {
        java.util.concurrent.locks.LockSupport.parkNanos(20_000);
      }
    }

    private static boolean pump(V8Runtime rt, String fn) throws Exception {
      try (V8ValueGlobalObject g = rt.getGlobalObject()) {
        return g.invokeBoolean(fn);
      }
    }

    @Override
    public double round(long n) throws Exception {
      long t0 = System.nanoTime();
      Future<Void> r = reader.submit(rt -> {
        for (int idle = 0; !pump(rt, "pumpReader"); idle++) {
          backOff(idle);
          stopIfAbandoned();
        }
        return null;
      });
      Future<Void> w = writer.submit(rt -> {
        try (V8ValueGlobalObject g = rt.getGlobalObject()) {
          g.invokeVoid("start", (double) n);
        }
        for (int idle = 0; !pump(rt, "pumpWriter"); idle++) {
          backOff(idle);
          stopIfAbandoned();
        }
        return null;
      });
      long deadline = System.nanoTime() + Watch.bound().toNanos();
      await(w, "raw-writer", n, deadline);
      await(r, "raw-reader", n, deadline);
      return (System.nanoTime() - t0) / 1e9;
    }

    private void stopIfAbandoned() {
      if (abandoned) {
        throw new IllegalStateException("abandoned");
      }
    }

    private static void await(Future<Void> f, String who, long n, long deadline) throws InterruptedException {
      try {
        f.get(Math.max(deadline - System.nanoTime(), 0), TimeUnit.NANOSECONDS);
      } catch (TimeoutException e) {
        throw new FigureFailed(who + " did not finish a round of " + n + " messages within " + Watch.bound().toSeconds() + " s");
      } catch (ExecutionException e) {
        throw new FigureFailed(who + " failed: " + e.getCause(), e.getCause());
      }
    }

    @Override
    public void finish() throws Exception {
      writer.shutdown();
      reader.shutdown();
    }

    @Override
    public void abandon() throws Exception {
      abandoned = true;
      writer.terminate();
      reader.terminate();
      try {
        writer.shutdown();
      } finally {
        reader.shutdown();
      }
    }
  }
}
