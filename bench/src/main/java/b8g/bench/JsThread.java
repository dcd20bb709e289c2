package b8g.bench;

import com.caoccao.javet.interop.V8Runtime;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/** A raw V8 runtime (no platform code) owned by one thread; the baseline's isolate. */
final class JsThread {
  /** Work done on the runtime's thread. */
  interface Work<T> {
    T run(V8Runtime rt) throws Exception;
  }

  private final String name;
  private final ExecutorService thread;
  private volatile V8Runtime rt;

  JsThread(String name) throws Exception {
    this.name = name;
    thread = Executors.newSingleThreadExecutor(r -> {
      Thread t = new Thread(r, name);
      t.setDaemon(true);
      return t;
    });
    submit(r -> null).get(Watch.bound().toNanos(), TimeUnit.NANOSECONDS);
  }

  <T> Future<T> submit(Work<T> work) {
    Callable<T> c = () -> {
      if (rt == null) {
        rt = BareV8.host().createV8Runtime();
      }
      return work.run(rt);
    };
    return thread.submit(c);
  }

  /** Stops the JS running on the runtime now, if any (from any thread). */
  void terminate() {
    V8Runtime r = rt;
    if (r != null) {
      r.terminateExecution();
    }
  }

  /**
   * Closes the runtime on its thread and stops the thread, waiting at most {@link Watch#GRACE}
   * for work still running; a thread that does not stop in time is left behind (a daemon).
   */
  void shutdown() throws Exception {
    Future<Void> closed = submit(r -> {
      r.close();
      return null;
    });
    thread.shutdown();
    try {
      closed.get(Watch.GRACE.toNanos(), TimeUnit.NANOSECONDS);
    } catch (TimeoutException e) {
      terminate();
      throw new FigureFailed(name + " did not close its runtime within " + Watch.GRACE.toSeconds() + " s");
    }
  }
}
