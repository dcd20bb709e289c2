package b8g.components;

import com.caoccao.javet.exceptions.JavetException;
import com.caoccao.javet.interop.V8Runtime;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Threads that each hold a fresh isolate with the prelude in place (restored from the startup
 * blob) and a dispatcher attached that forwards to the component that takes it ({@link
 * GuestEntry.Prepared}), waiting for a component: a start from the pool pays only for the
 * limits' hooks, the script and {@code main}. The size is the
 * system property {@code b8g.pool.size} (default 2; 0 turns it off); a worker taken is replaced
 * in the background. An idle worker costs about one idle component's memory.
 */
final class IsolatePool {
  static volatile int size = Integer.getInteger("b8g.pool.size", 2);
  private static final BlockingQueue<BlockingQueue<Conductor>> READY = new LinkedBlockingQueue<>();
  private static final AtomicInteger PENDING = new AtomicInteger();

  private IsolatePool() {}

  /** Hands {@code c} to a waiting worker; false if none is ready. Keeps the pool topped up. */
  static boolean assign(Conductor c) {
    var worker = READY.poll();
    // Top up a little later, so the new isolate is not built on the core this start needs.
    Engine.SCHEDULER.schedule(IsolatePool::refill, 5, TimeUnit.MILLISECONDS);
    return worker != null && worker.offer(c);
  }

  /** Number of workers ready now (for benchmarks that want a warm pool). */
  static int ready() {
    return READY.size();
  }

  static void refill() {
    while (READY.size() + PENDING.get() < size) {
      PENDING.incrementAndGet();
      Thread t = new Thread(IsolatePool::work, "b8g-pool");
      t.setDaemon(true);
      t.start();
    }
  }

  private static void work() {
    GuestEntry.Prepared ready;
    try {
      V8Runtime rt = Engine.bootedRuntime();
      try {
        ready = GuestEntry.prepare(rt);
      } catch (JavetException | RuntimeException e) {
        rt.close();
        throw e;
      }
    } catch (JavetException | RuntimeException e) {
      PENDING.decrementAndGet();
      return; // components start cold instead
    }
    // Room for one: a component offered before this worker blocks in take() is not lost.
    var handoff = new ArrayBlockingQueue<Conductor>(1);
    READY.add(handoff);
    PENDING.decrementAndGet();
    try {
      Conductor c = handoff.take();
      Thread.currentThread().setName("b8g-" + c.name());
      c.run(ready);
    } catch (InterruptedException e) {
      ready.close();
    }
  }
}
