package b8g.bench;

import com.caoccao.javet.interop.V8Host;
import com.caoccao.javet.interop.V8Runtime;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/** A raw V8 runtime (no platform code) owned by one thread; the baseline's isolate. */
final class JsThread {
  /** Work done on the runtime's thread. */
  interface Work<T> {
    T run(V8Runtime rt) throws Exception;
  }

  private final ExecutorService thread;
  private V8Runtime rt;

  JsThread(String name) throws Exception {
    thread = Executors.newSingleThreadExecutor(r -> {
      Thread t = new Thread(r, name);
      t.setDaemon(true);
      return t;
    });
    submit(r -> null).get();
  }

  <T> Future<T> submit(Work<T> work) {
    Callable<T> c = () -> {
      if (rt == null) {
        rt = V8Host.getV8Instance().createV8Runtime();
      }
      return work.run(rt);
    };
    return thread.submit(c);
  }

  /** Closes the runtime on its thread and stops the thread. */
  void shutdown() throws Exception {
    submit(r -> {
      r.close();
      return null;
    }).get();
    thread.shutdown();
  }
}
