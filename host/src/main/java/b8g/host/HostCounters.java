package b8g.host;

import b8g.host.manifest.ChannelSpec;
import b8g.host.manifest.ComponentSpec;
import b8g.host.manifest.LoadedManifest;
import b8g.memory.Region;
import b8g.memory.Ring;
import b8g.memory.counters.CounterBlock;
import b8g.memory.counters.CounterType;
import b8g.memory.counters.CountersDescriptor;
import b8g.memory.counters.CountersFile;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.ToLongFunction;

/**
 * The host's counters file ({@link b8g.memory.counters.CountersDescriptor}): one record for the
 * host, one per manifest component (kept over its restarts) and one per manifest channel.
 *
 * <p>Who writes what: a component's own thread stores line 0 of its block at turn ends ({@link
 * b8g.components.Component.Context#counters}); a component in a worker process stores the same
 * line into a small shared region the host hands it at start, which {@link #sample} copies into
 * the file (the worker can only misreport itself, never touch the file). Supervision is counted
 * from the host's own events ({@link #event}, line 1). Channels and the host's components by state
 * are sampled every {@link #SAMPLE_MS} ms on the host's sampler thread from the rings' memory:
 * nothing is added to a channel's hot path.
 *
 * <p>Before {@link #open} and after {@link #close} every method does nothing. Thread-safe.
 */
final class HostCounters implements AutoCloseable {
  static final long SAMPLE_MS = 100;
  /** A worker's block: one page of shared memory (the block uses 128 bytes of it). */
  private static final long WORKER_BLOCK_BYTES = 4096;

  private final Path path;
  private volatile CountersFile file;
  private CounterBlock host;
  private final Map<String, CounterBlock> components = new LinkedHashMap<>();
  private final Map<String, Region> workerBlocks = new LinkedHashMap<>();
  private final List<ChannelSample> channels = new ArrayList<>();

  /** {@code path}: the file to create at {@link #open}, or null for a host without counters. */
  HostCounters(Path path) {
    this.path = path;
  }

  boolean enabled() {
    return path != null;
  }

  /**
   * Creates the file and its records for {@code manifest}'s components and for its channels, as
   * {@code ring} finds their rings. Counters never stop a host: when the file cannot be made, what
   * was made is removed, {@code warn} is told why, and the host runs without counters.
   *
   * @return whether the host has counters
   */
  synchronized boolean open(LoadedManifest manifest, java.util.function.Function<String, Ring> ring, Consumer<String> warn) {
    if (path == null) {
      return false;
    }
    CountersFile f = null;
    try {
      // One record each for the host, its components and its channels: the file never runs out.
      int records = Math.min(CountersDescriptor.MAX_RECORDS,
          Math.max(CountersFile.DEFAULT_RECORDS, 1 + manifest.components().size() + manifest.channels().size()));
      f = CountersFile.create(path, ProcessHandle.current().pid(), records);
      host = f.block(f.allocate(CounterType.HOST, "host", manifest.directory().toString()));
      host.set(8, manifest.components().size());
      for (ComponentSpec c : manifest.components()) {
        CounterBlock b = f.block(f.allocate(CounterType.COMPONENT, c.name(), c.script().getFileName().toString()));
        b.set(8, CounterType.STARTING);
        b.set(3, c.limits().heapBytes());
        b.set(5, c.limits().heapBytes());
        components.put(c.name(), b);
      }
      for (ChannelSpec c : manifest.channels()) {
        String label = c.writer().orElse("-") + " -> " + c.reader().orElse("-");
        CounterBlock b = f.block(f.allocate(CounterType.CHANNEL, c.name(), label));
        channels.add(new ChannelSample(ring.apply(c.name()), b));
      }
    } catch (RuntimeException e) {
      if (f != null) {
        f.close();
      }
      host = null;
      components.clear();
      channels.clear();
      warn.accept("b8g: warning: running without counters (b8g top and --metrics cannot see this host): " + e.getMessage());
      return false;
    }
    file = f;
    return true;
  }

  /** The block an in-process instance of manifest component {@code name} writes, or null. */
  CounterBlock component(String name) {
    return file == null ? null : components.get(name);
  }

  /**
   * The shared region a worker's instance of {@code name} writes its line 0 into (made on first
   * use, the same for every restart), or null without counters.
   */
  synchronized Region workerBlock(String name) {
    if (file == null || !components.containsKey(name)) {
      return null;
    }
    return workerBlocks.computeIfAbsent(name, n -> {
      Region r = Region.shared("counters-" + n, WORKER_BLOCK_BYTES);
      CounterBlock.at(r.byteBuffer(), 0).copyFrom(components.get(n), 0, CountersDescriptor.HOST_LINE);
      return r;
    });
  }

  /** What an event says about supervision: states, restarts, ends by cause, grants and links. */
  void event(HostEvent e) {
    if (file == null) {
      return;
    }
    switch (e.kind()) {
      case GRANTED -> host.add(13, 1);
      case LINKED -> host.add(14, 1);
      case LINK_REFUSED -> host.add(15, 1);
      default -> { }
    }
    CounterBlock c = components.get(e.component());
    if (c == null) {
      return; // a child, or the host itself
    }
    if (Boolean.TRUE.equals(e.fields().get("replaced"))) {
      return; // an older instance's end after a script-change restart: the record is the new one's
    }
    switch (e.kind()) {
      // An instance that ends at once may report its end before its start is reported.
      case STARTED -> c.compareAndSet(8, CounterType.STARTING, CounterType.RUNNING);
      case RESTARTED -> {
        c.add(9, 1);
        c.set(8, CounterType.STARTING);
      }
      // A new instance starts (the old one may have ended already): its STARTED finds STARTING.
      case SCRIPT_CHANGED -> c.set(8, CounterType.STARTING);
      case EXITED -> c.set(8, CounterType.EXITED);
      case FAILED -> {
        c.add(14, 1);
        c.set(8, CounterType.FAILED);
      }
      case TERMINATED -> {
        c.add(causeColumn(e.fields().get("cause")), 1);
        c.set(8, CounterType.TERMINATED);
      }
      default -> { }
    }
  }

  /**
   * The terminations column for an end's cause code, the one {@link EndCause} gave the event: no
   * second reading of the reason's text.
   */
  static int causeColumn(Object cause) {
    if ("limit.cpu".equals(cause)) {
      return 10;
    }
    if ("limit.heap".equals(cause)) {
      return 11;
    }
    if ("limit.offheap".equals(cause)) {
      return 12;
    }
    return 13;
  }

  /**
   * One look (the host's sampler thread): channel figures from their rings, worker blocks into
   * the file, worker pids, the host's components by state.
   */
  void sample(ToLongFunction<String> workerPid) {
    if (file == null) {
      return;
    }
    for (ChannelSample c : channels) {
      c.sample();
    }
    synchronized (this) {
      for (Map.Entry<String, Region> w : workerBlocks.entrySet()) {
        if (!w.getValue().isClosed()) {
          components.get(w.getKey()).copyFrom(CounterBlock.at(w.getValue().byteBuffer(), 0), 0, CountersDescriptor.HOST_LINE);
        }
      }
    }
    long[] byState = new long[6];
    for (Map.Entry<String, CounterBlock> c : components.entrySet()) {
      int state = (int) c.getValue().get(8);
      if (state > 0 && state < byState.length) {
        byState[state]++;
      }
      c.getValue().set(15, workerPid.applyAsLong(c.getKey()));
    }
    host.set(9, byState[CounterType.STARTING] + byState[CounterType.RUNNING]);
    host.set(10, byState[CounterType.EXITED]);
    host.set(11, byState[CounterType.FAILED]);
    host.set(12, byState[CounterType.TERMINATED]);
  }

  /** Removes the file (readers see it closed) and frees the worker blocks. After the workers have ended. */
  @Override
  public synchronized void close() {
    CountersFile f = file;
    file = null;
    if (f != null) {
      f.close();
    }
    for (Region r : workerBlocks.values()) {
      r.close();
    }
    workerBlocks.clear();
  }

  /** One channel's sampling state: the last positions seen, to count bytes past their uint32 wrap. */
  private static final class ChannelSample {
    private final Ring ring;
    private final CounterBlock block;
    private int lastTail;
    private int lastHead;
    private long written;
    private long read;

    ChannelSample(Ring ring, CounterBlock block) {
      this.ring = ring;
      this.block = block;
      // A restored ring starts mid-stream: count from this host's start.
      this.lastTail = ring.tail();
      this.lastHead = ring.head();
      block.set(3, ring.capacity());
    }

    void sample() {
      int tail = ring.tail();
      int head = ring.head();
      // Positions wrap at 2^32: the distance is the unsigned difference (exact while less than
      // 4 GiB moves between two looks).
      written += (tail - lastTail) & 0xffffffffL;
      read += (head - lastHead) & 0xffffffffL;
      lastTail = tail;
      lastHead = head;
      block.set(0, written);
      block.set(1, read);
      block.set(2, (tail - head) & 0xffffffffL);
      block.set(4, ring.writerWakes());
      block.set(5, ring.readerWakes());
      block.set(CounterType.CHANNEL_MESSAGES_WRITTEN, ring.messagesWritten());
      block.set(CounterType.CHANNEL_MESSAGES_READ, ring.messagesRead());
      block.set(8, ring.writerGone() ? 1 : 0);
      block.set(9, ring.readerGone() ? 1 : 0);
    }
  }
}
