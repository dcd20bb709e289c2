package b8g.host.worker;

import b8g.host.worker.wire.Memory;
import b8g.memory.Region;
import b8g.memory.Ring;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/**
 * The shared memory of one worker, as the host granted it: each {@link Memory} mapped once
 * ({@link Region#mapPeer}, through the host's own descriptor), a channel's ring attached once, and
 * unmapped when no component of this worker holds it any more. A ring's two wake-up hooks start out
 * pointing at the host ({@code wakeOut}); the component that holds an end here replaces its own
 * end's hook with one that schedules it, so a wake-up crosses the socket only towards an end this
 * worker does not hold. Thread-safe.
 */
final class WorkerMemory {
  /** Sends a wake-up of the reading ({@code reader}) or writing end of memory {@code id} to the host. */
  interface WakeOut {
    void wake(int id, boolean reader);
  }

  private static final class Mapped {
    final Region region;
    Ring ring;
    /** Whether a component of this worker was given the reading / writing end. */
    boolean readerHere;
    boolean writerHere;
    final Set<String> holders = new HashSet<>();

    Mapped(Region region) {
      this.region = region;
    }
  }

  private final WakeOut wakeOut;
  private final Map<Integer, Mapped> mapped = new HashMap<>();

  WorkerMemory(WakeOut wakeOut) {
    this.wakeOut = wakeOut;
  }

  /** The region of {@code m}, mapped for {@code component}. */
  synchronized Region region(String component, Memory m) {
    return map(component, m).region;
  }

  /**
   * The ring in {@code m}, attached for {@code component}, which holds its writing end if
   * {@code writer}, else its reading end (validated as the host initialised it).
   */
  synchronized Ring ring(String component, Memory m, boolean writer) {
    Mapped x = map(component, m);
    if (writer) {
      x.writerHere = true;
    } else {
      x.readerHere = true;
    }
    if (x.ring == null) {
      Ring ring = Ring.attach(x.region);
      int id = m.getId();
      ring.onReadable(() -> wakeOut.wake(id, true));
      ring.onWritable(() -> wakeOut.wake(id, false));
      x.ring = ring;
    }
    return x.ring;
  }

  private Mapped map(String component, Memory m) {
    Mapped x = mapped.get(m.getId());
    if (x == null) {
      // Only the host's own descriptors: never another process's memory, whatever a frame says.
      String host = "/proc/" + ProcessHandle.current().parent().map(ProcessHandle::pid).orElse(-1L) + "/fd/";
      if (!m.getPeerPath().startsWith(host)) {
        throw new WorkerException("worker.garbage", "memory " + m.getName() + " is not the host's: " + m.getPeerPath());
      }
      x = new Mapped(Region.mapPeer(m.getName(), Path.of(m.getPeerPath()), m.getSize()));
      mapped.put(m.getId(), x);
    } else if (x.region.size() != m.getSize()) {
      throw new WorkerException("worker.garbage", "memory " + m.getId() + " (" + m.getName() + ") was granted with "
          + m.getSize() + " bytes and " + x.region.size() + " before");
    }
    x.holders.add(component);
    return x;
  }

  /**
   * The host says an end of memory {@code id} is to be woken: wake it if a component of this
   * worker holds it (else ignore it: never back to the host).
   */
  void wake(int id, boolean reader) {
    Ring ring;
    synchronized (this) {
      Mapped x = mapped.get(id);
      ring = x == null || !(reader ? x.readerHere : x.writerHere) ? null : x.ring;
    }
    if (ring != null) {
      if (reader) {
        ring.wakeReader();
      } else {
        ring.wakeWriter();
      }
    }
  }

  /**
   * {@code component} has ended (its isolate is closed): memory no other component of this worker
   * holds is unmapped.
   */
  synchronized void release(String component) {
    for (var it = mapped.values().iterator(); it.hasNext(); ) {
      Mapped x = it.next();
      if (x.holders.remove(component) && x.holders.isEmpty()) {
        it.remove();
        x.region.close();
      }
    }
  }
}
