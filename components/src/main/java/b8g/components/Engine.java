package b8g.components;

import b8g.memory.RingScript;
import com.caoccao.javet.exceptions.JavetException;
import com.caoccao.javet.interop.V8Host;
import com.caoccao.javet.interop.V8Runtime;
import com.caoccao.javet.interop.converters.JavetPrimitiveConverter;
import com.caoccao.javet.interop.options.V8RuntimeOptions;
import com.caoccao.javet.values.reference.V8Script;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;

/**
 * Process-wide V8 state: flags (fixed before the first runtime, see DESIGN.md), the prelude source,
 * and the shared scheduler for timers and the CPU watchdog. This is where Javet stops: nothing
 * outside this package sees a {@code V8Runtime}.
 */
final class Engine {
  /** The per-isolate heap ceiling V8 enforces; component budgets below it are enforced by b8g. */
  static final int MAX_HEAP_MIB = Integer.getInteger("b8g.v8.maxHeapMiB", 2048);

  static final ScheduledExecutorService SCHEDULER = Executors.newSingleThreadScheduledExecutor(r -> {
    Thread t = new Thread(r, "b8g-scheduler");
    t.setDaemon(true);
    return t;
  });

  private static final String BOOT;

  static {
    V8RuntimeOptions.V8_FLAGS.setMaxHeapSize(MAX_HEAP_MIB);
    BOOT = "(" + resource("/b8g/components/prelude.js") + ")(" + RingScript.source() + ");";
  }

  private Engine() {}

  /** A fresh isolate with no converters beyond primitives: no Java object ever becomes a JS value. */
  static V8Runtime newRuntime() throws JavetException {
    return newRuntime(false, null);
  }

  /**
   * A fresh isolate, able to take a snapshot if {@code snapshottable} (measured here: no
   * measurable start cost, but V8 then leaves out WebAssembly and SharedArrayBuffer), restored
   * from {@code blob} if it is not null. A blob must have been checked (version, checksum) before
   * it gets here: V8 trusts it and aborts the process on a mismatch (DESIGN.md).
   */
  static V8Runtime newRuntime(boolean snapshottable, byte[] blob) throws JavetException {
    V8RuntimeOptions options = new V8RuntimeOptions();
    options.setCreateSnapshotEnabled(snapshottable);
    if (blob != null) {
      options.setSnapshotBlob(blob);
    }
    V8Runtime rt = V8Host.getV8Instance().createV8Runtime(options);
    rt.setConverter(new JavetPrimitiveConverter());
    return rt;
  }

  /** The Javet release on the class path. */
  static String javetVersion() {
    return com.caoccao.javet.interop.loader.JavetLibLoader.LIB_VERSION;
  }

  /** Prelude plus ring, as one classic script. */
  static String bootScript() {
    return BOOT;
  }

  /**
   * V8's code cache for {@link #bootScript()}, made once per process (null if V8 gave none):
   * evaluating the prelude from it skips parsing and eager compilation, about 1 ms of every start
   * (measured by the bench). V8 checks the cache against its version and flags and silently
   * compiles from source when it does not fit.
   */
  static byte[] bootCache() {
    return BootCache.DATA;
  }

  private static final class BootCache {
    static final byte[] DATA = make();

    private static byte[] make() {
      try (V8Runtime rt = newRuntime();
           V8Script s = rt.getExecutor(BOOT).setResourceName("b8g:prelude").compileV8Script(true)) {
        return s.getCachedData();
      } catch (JavetException e) {
        return null;
      }
    }
  }

  /** The V8 version of the loaded engine (the first runtime loads the native library). */
  static String v8Version() {
    try (V8Runtime rt = newRuntime()) {
      return rt.getVersion();
    } catch (JavetException e) {
      throw new ComponentException("component.engine", "cannot start V8: " + e.getMessage(), e);
    }
  }

  private static String resource(String name) {
    try (InputStream in = Engine.class.getResourceAsStream(name)) {
      if (in == null) {
        throw new IllegalStateException("missing resource " + name + " (is the build complete?)");
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
