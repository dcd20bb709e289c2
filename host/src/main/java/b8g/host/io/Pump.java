package b8g.host.io;

import b8g.errors.B8gException;
import b8g.memory.Ring;
import b8g.memory.RingReader;
import b8g.memory.RingWriter;
import java.io.Closeable;
import java.io.IOException;
import java.nio.channels.ReadableByteChannel;
import java.nio.channels.WritableByteChannel;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * A thread that moves bytes between a blocking OS descriptor and one end of a {@link Ring} whose
 * other end a component holds: {@link #inbound} (descriptor to the ring's writer end, the
 * component reads) or {@link #outbound} (the ring's reader end to the descriptor, the component
 * writes). Bytes go straight between the descriptor and the ring's memory ({@link
 * RingWriter#offerFrom}, {@link RingReader#writeTo}).
 *
 * <p>Semantics, as the component sees them:
 * <ul>
 *   <li>End of input: an inbound pump writes END; the component's reader sees end of stream.
 *   <li>The consumer gone (EPIPE, a closed socket): an outbound pump marks the ring's reader gone;
 *       the component's next write fails with {@code channel.broken}.
 *   <li>The component gone ({@link Ring#markWriterGone()} / {@link Ring#markReaderGone()} by the
 *       host): an outbound pump first writes out everything published, then stops; an inbound pump
 *       stops at its next record.
 * </ul>
 * When it stops, a pump marks its own end gone (so a later holder of the component's end gets
 * {@code channel.broken} rather than a stream nobody serves) and closes the descriptor unless told
 * not to (stdout is shared and stays open).
 *
 * <p>Parking: a side that finds the ring full (inbound) or empty (outbound) spins briefly, then
 * arms the ring's waiting flag and parks; the component's end wakes it through the ring's hook.
 * Because the pump holds a Java end, {@link Ring#hasJavaEnd()} is true, so a component waiting on
 * it is never reported deadlocked. Thread-safe: {@link #stop} and {@link #finish} from any thread.
 */
public final class Pump implements AutoCloseable {
  /** Default largest record an inbound pump writes: what a Linux pipe holds. */
  public static final int DEFAULT_CHUNK = 64 * 1024;
  /** Empty/full checks before parking: a busy peer usually makes progress within this. */
  private static final int SPINS = 100;

  private final String name;
  private final Ring ring;
  private final Closeable descriptor;
  private final boolean closeDescriptor;
  private final Thread thread;
  private volatile boolean stopping;
  private volatile String outcome = "running";

  private Pump(String name, Ring ring, Closeable descriptor, boolean closeDescriptor, Runnable body) {
    this.name = name;
    this.ring = ring;
    this.descriptor = descriptor;
    this.closeDescriptor = closeDescriptor;
    this.thread = new Thread(body, "b8g-pump-" + name);
    this.thread.setDaemon(true);
  }

  /**
   * Starts a pump reading {@code source} (blocking) into records of at most {@code chunk} bytes
   * (clamped to the ring's max payload) on {@code ring}'s writer end. The ring must not have handed
   * out its writer.
   */
  public static Pump inbound(String name, ReadableByteChannel source, Ring ring, int chunk, boolean closeSource) {
    RingWriter writer = ring.writer();
    int max = Math.max(1, Math.min(chunk, writer.maxPayload()));
    Pump[] self = new Pump[1];
    Pump p = new Pump(name, ring, source, closeSource, () -> self[0].pumpIn(writer, source, max));
    self[0] = p;
    ring.onWritable(p::wake);
    p.thread.start();
    return p;
  }

  /**
   * Starts a pump writing every record published on {@code ring}'s reader end to {@code sink}
   * (blocking), each record whole while holding {@code lock} (pumps that share a sink share the
   * lock, so their records never interleave). The ring must not have handed out its reader.
   */
  public static Pump outbound(String name, Ring ring, WritableByteChannel sink, Object lock, boolean closeSink) {
    RingReader reader = ring.reader();
    Object guard = lock == null ? new Object() : lock;
    Pump[] self = new Pump[1];
    Pump p = new Pump(name, ring, sink, closeSink, () -> self[0].pumpOut(reader, sink, guard));
    self[0] = p;
    ring.onReadable(p::wake);
    p.thread.start();
    return p;
  }

  public String name() {
    return name;
  }

  public Ring ring() {
    return ring;
  }

  /** How the pump ended ("end of input", "reader gone", "sink closed: ...", "stopped"), or "running". */
  public String outcome() {
    return outcome;
  }

  public boolean isAlive() {
    return thread.isAlive();
  }

  /**
   * For an outbound pump whose component has ended: marks the writer gone, so the pump writes out
   * what is left and stops; waits up to {@code timeout} for that, then stops it. For an inbound
   * pump the same as {@link #stop}.
   */
  public void finish(Duration timeout) throws InterruptedException {
    ring.markWriterGone();
    thread.join(Math.max(1, timeout.toMillis()));
    if (thread.isAlive()) {
      stop();
    }
  }

  /**
   * Stops the pump now (records not yet written stay unwritten) and waits for its thread. A pump
   * blocked in a descriptor's read or write is interrupted, which closes the descriptor (the JDK's
   * interruptible channels).
   */
  public void stop() throws InterruptedException {
    stopping = true;
    LockSupport.unpark(thread);
    thread.join(200);
    if (thread.isAlive()) {
      thread.interrupt();
      thread.join(5000);
    }
  }

  @Override
  public void close() {
    try {
      stop();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private void wake() {
    LockSupport.unpark(thread);
  }

  private void pumpIn(RingWriter writer, ReadableByteChannel source, int max) {
    String why = "stopped";
    try {
      int idle = 0;
      while (!stopping) {
        int n = writer.offerFrom(source, max);
        if (n > 0) {
          idle = 0;
          continue;
        }
        if (n < 0) {
          why = writeEnd(writer) ? "end of input" : "stopped";
          break;
        }
        if (++idle < SPINS) {
          Thread.onSpinWait();
        } else if (!writer.armWait()) {
          LockSupport.park(this);
        }
      }
    } catch (B8gException e) {
      why = "channel.broken".equals(e.code()) ? "reader gone" : e.getMessage();
    } catch (IOException e) {
      why = stopping ? "stopped" : "source failed: " + e.getMessage();
    } finally {
      ring.markWriterGone();
      done(why);
    }
  }

  private boolean writeEnd(RingWriter writer) {
    while (!stopping) {
      if (writer.offerEnd()) {
        return true;
      }
      if (!writer.armWait()) {
        LockSupport.parkNanos(this, TimeUnit.MILLISECONDS.toNanos(100));
      }
    }
    return false;
  }

  private void pumpOut(RingReader reader, WritableByteChannel sink, Object lock) {
    String why = "stopped";
    try {
      int idle = 0;
      while (!stopping) {
        int n;
        synchronized (lock) {
          n = reader.writeTo(sink);
        }
        if (n >= 0) {
          idle = 0;
          continue;
        }
        if (reader.isEnded()) {
          why = "end of stream";
          break;
        }
        if (++idle < SPINS) {
          Thread.onSpinWait();
        } else if (!reader.armWait()) {
          LockSupport.park(this);
        }
      }
    } catch (B8gException e) {
      why = "channel.broken".equals(e.code()) ? "writer gone" : e.getMessage();
    } catch (IOException e) {
      why = stopping ? "stopped" : "sink closed: " + e.getMessage();
    } finally {
      ring.markReaderGone();
      done(why);
    }
  }

  private void done(String why) {
    outcome = why;
    if (closeDescriptor) {
      try {
        descriptor.close();
      } catch (IOException e) {
        // Nothing more can be done for a descriptor that failed to close; the pump is over.
      }
    }
  }

  @Override
  public String toString() {
    return "Pump[" + name + ", " + outcome + "]";
  }
}
