package b8g.components;

import b8g.memory.RingScript;
import com.caoccao.javet.exceptions.JavetException;
import com.caoccao.javet.enums.JSRuntimeType;
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
 * Process-wide V8 state: flags (fixed before the first runtime, see ARCHITECTURE.md), the prelude source,
 * and the shared scheduler for timers and the CPU watchdog. This is where Javet stops: nothing
 * outside this package sees a {@code V8Runtime}.
 */
final class Engine {
  /** The per-isolate heap ceiling V8 enforces; component budgets below it are enforced by b8g. */
  static final int MAX_HEAP_MIB = Integer.getInteger("b8g.v8.maxHeapMiB", 2048);

  /**
   * The largest WebAssembly memory V8 will make, in 64 KiB pages: as large as the heap ceiling.
   * Without it V8 reserves address space for 4 GiB per memory (16 GiB for memory64), whatever the
   * memory will use (measured). The prelude keeps each component's memories within its own budget
   * (components/README.md); this is the backstop behind it, for the whole process.
   */
  static final int MAX_WASM_PAGES = MAX_HEAP_MIB * 16;

  /** The process-wide V8 flags b8g sets, as {@link EngineVersion#flags} records them. */
  /**
   * Which of Javet's V8 builds this platform runs: the one with ICU (Unicode data: {@code Intl},
   * {@code String.prototype.normalize}, Unicode property escapes in regular expressions). A blob
   * of one build cannot be restored by the other, so stack images record it ({@link
   * EngineVersion#engine}).
   */
  static final JSRuntimeType RUNTIME = JSRuntimeType.V8I18n;

  /** {@link #RUNTIME}'s name as images record it: {@code v8-i18n}; the build without ICU is {@code v8}. */
  static final String ENGINE = RUNTIME.isI18nEnabled() ? "v8-i18n" : "v8";

  static final String FLAGS = "--max-heap-size=" + MAX_HEAP_MIB + " --wasm-max-mem-pages=" + MAX_WASM_PAGES;

  static final ScheduledExecutorService SCHEDULER = Executors.newSingleThreadScheduledExecutor(r -> {
    Thread t = new Thread(r, "b8g-scheduler");
    t.setDaemon(true);
    return t;
  });

  /** The CPU watchdog of every component in this process. */
  static final Watchdog WATCHDOG = new Watchdog(SCHEDULER);

  /** Where the prelude's files are, on the class path. */
  static final String PRELUDE_DIR = "/b8g/components/prelude/";

  /**
   * The prelude's files, each of one role, in the order they are joined into the boot script
   * (primordials first: the others use what it captures; the entry point last).
   */
  static final java.util.List<String> PRELUDE = java.util.List.of(
      "primordials.js", "host-calls.js", "text.js", "console.js", "timers.js", "events.js", "web-misc.js",
      "clone.js", "crypto.js", "url-encoding.js", "url-host.js", "url.js", "pair-iterator.js", "url-search-params.js", "streams.js", "readable-stream.js",
      "writable-stream.js", "transform-stream.js", "text-streams.js", "compression.js", "blob.js", "headers.js", "fetch-body.js", "request.js",
      "response.js", "quota.js", "records.js",
      "region.js", "channel.js", "channel-streams.js", "service-values.js", "service.js", "host-stubs.js", "directory.js", "snapshot.js",
      "net.js", "modules.js", "env.js", "memory.js", "array-buffer.js",
      "wasm-module.js", "wasm.js", "late-globals.js", "entry.js");

  private static final String BOOT;

  static {
    NativeLibrary.install();
    V8RuntimeOptions.V8_FLAGS.setMaxHeapSize(MAX_HEAP_MIB);
    V8RuntimeOptions.V8_FLAGS.setCustomFlags("--wasm-max-mem-pages=" + MAX_WASM_PAGES);
    StringBuilder boot = new StringBuilder("(function (ring) {\n'use strict';\n").append(Protocol.jsDeclarations());
    for (String file : PRELUDE) {
      boot.append(resource(PRELUDE_DIR + file)).append('\n');
    }
    BOOT = boot.append("})(").append(RingScript.source()).append(");").toString();
  }

  private Engine() {}

  /** Javet's host of {@link #RUNTIME}: the one way this module makes an isolate. */
  static V8Host host() {
    NativeLibrary.requireIcuData();
    return V8Host.getInstance(RUNTIME);
  }

  /** A fresh isolate with no converters beyond primitives: no Java object ever becomes a JS value. */
  static V8Runtime newRuntime() throws JavetException {
    return newRuntime(false, null);
  }

  /**
   * A fresh isolate, able to take a snapshot if {@code snapshottable} (measured here: no
   * measurable start cost, but V8 then leaves out WebAssembly and SharedArrayBuffer), restored
   * from {@code blob} if it is not null. A blob must have been checked (version, checksum) before
   * it gets here: V8 trusts it and aborts the process on a mismatch (ARCHITECTURE.md).
   */
  static V8Runtime newRuntime(boolean snapshottable, byte[] blob) throws JavetException {
    ReadOnlyAnchor.hold();
    if (blob != null) {
      String why = blobMismatch(blob);
      if (why != null) {
        throw new ComponentException("snapshot.incompatible", why);
      }
    }
    V8RuntimeOptions options = new V8RuntimeOptions();
    options.setCreateSnapshotEnabled(snapshottable);
    if (blob != null) {
      options.setSnapshotBlob(blob);
    }
    V8Runtime rt = host().createV8Runtime(options);
    rt.setConverter(new JavetPrimitiveConverter());
    return rt;
  }

  /**
   * An isolate with the prelude evaluated, its entry point on the global object: restored from
   * the {@link #startupBlob} when there is one, else evaluated from the code cache. Not
   * snapshottable; the caller attaches the dispatcher ({@link GuestEntry}) before any user code.
   */
  static V8Runtime bootedRuntime() throws JavetException {
    byte[] blob = startupBlob();
    if (blob != null) {
      ReadOnlyAnchor.hold();
      V8RuntimeOptions options = new V8RuntimeOptions();
      options.setSnapshotBlob(blob); // checked once, when it was made (StartupBlob)
      V8Runtime rt = host().createV8Runtime(options);
      rt.setConverter(new JavetPrimitiveConverter());
      return rt;
    }
    V8Runtime rt = newRuntime();
    try {
      rt.getExecutor(BOOT, bootCache()).setResourceName("b8g:prelude").executeVoid();
    } catch (JavetException | RuntimeException e) {
      rt.close();
      throw e;
    }
    return rt;
  }

  /**
   * The startup blob: a V8 snapshot of a context in which the boot script has been evaluated, as
   * Node and Deno start from a bootstrap snapshot, so a component's isolate is deserialized with
   * the prelude in place instead of compiling and running it. Null when it could not be had or
   * is turned off ({@code -Db8g.startupBlob=false}): isolates then evaluate the boot script.
   *
   * <p>Made in a snapshot-enabled isolate on a thread of its own, compiled from source (V8's code
   * cache there aborted {@code createSnapshot}), and checked by {@link #blobMismatch(byte[],
   * boolean)} as a blob taken here. It is kept beside the native library ({@link
   * NativeLibrary#cacheDir}, the user's own directory), so a process reads it instead of making
   * it; a kept file is used only when its name and its first 32 bytes are the key (SHA-256 of the
   * engine, Javet and V8 versions, the flags, the ABI and the boot script's text), the next 32
   * bytes are the SHA-256 of the blob that follows, and the blob passes {@link
   * #blobMismatch(byte[])}: all before V8 sees a byte. Anything else is made again and replaced
   * ({@code -Db8g.startupBlob.keep=false}: never read nor written).
   *
   * <p>V8 leaves some globals out of a snapshot-enabled isolate and adds them raw to every
   * context it restores; the prelude's late-globals.js deals with them at the first attach.
   */
  static byte[] startupBlob() {
    synchronized (StartupBlob.LOCK) {
      if (!StartupBlob.loaded) {
        // Not a class initialiser: the thread that makes the blob runs a lambda of this class.
        StartupBlob.blob = StartupBlob.load();
        StartupBlob.loaded = true;
      }
      return StartupBlob.blob;
    }
  }

  static final class StartupBlob {
    static final Object LOCK = new Object();
    static boolean loaded;
    static byte[] blob;
    private static final int HEADER = 64;
    private static final int MAX = 64 << 20;

    private StartupBlob() {}

    private static byte[] load() {
      if (!Boolean.parseBoolean(System.getProperty("b8g.startupBlob", "true"))) {
        return null;
      }
      boolean keep = Boolean.parseBoolean(System.getProperty("b8g.startupBlob.keep", "true"));
      java.nio.file.Path dir = NativeLibrary.cacheDir();
      byte[] key;
      try {
        key = key();
      } catch (RuntimeException e) {
        return null;
      }
      java.nio.file.Path file = !keep || dir == null ? null : dir.resolve("startup-" + java.util.HexFormat.of().formatHex(key, 0, 16) + ".blob");
      byte[] kept = file == null ? null : read(file, key);
      if (kept != null) {
        return kept;
      }
      byte[] blob;
      try {
        blob = make();
      } catch (RuntimeException e) {
        return null; // components evaluate the boot script instead
      }
      try {
        if (blob == null || blobMismatch(blob, true) != null) {
          return null;
        }
      } catch (RuntimeException e) {
        return null; // the read-only probe failed: evaluate the boot script instead
      }
      if (file != null) {
        write(file, key, blob);
      }
      return blob;
    }

    private static byte[] make() {
      return onOwnThread("b8g-startup-blob", () -> {
        V8RuntimeOptions options = new V8RuntimeOptions();
        options.setCreateSnapshotEnabled(true);
        try (V8Runtime rt = host().createV8Runtime(options)) {
          rt.getExecutor(BOOT).setResourceName("b8g:prelude").executeVoid();
          return rt.createSnapshot();
        }
      });
    }

    static byte[] key() {
      java.security.MessageDigest d = sha256();
      // The machine too: a cache directory shared by two architectures (an NFS home, one cache
      // mounted into amd64 and arm64 containers) must never hand one the other's blob.
      for (String part : new String[] {"b8g startup blob", ENGINE, javetVersion(), v8Version(), FLAGS,
          Integer.toString(EngineVersion.ABI), System.getProperty("os.name"), System.getProperty("os.arch"), BOOT}) {
        d.update(part.getBytes(StandardCharsets.UTF_8));
        d.update((byte) 0);
      }
      return d.digest();
    }

    /** The kept blob if every check passes, else null; a blob used tidies its directory ({@link KeptStartupBlobs}). */
    static byte[] read(java.nio.file.Path file, byte[] key) {
      try {
        if (!java.nio.file.Files.isRegularFile(file, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
          return null;
        }
        long size = java.nio.file.Files.size(file);
        if (size <= HEADER || size > MAX) {
          return null;
        }
        byte[] all = java.nio.file.Files.readAllBytes(file);
        if (all.length != size || !java.util.Arrays.equals(all, 0, 32, key, 0, 32)) {
          return null;
        }
        byte[] blob = java.util.Arrays.copyOfRange(all, HEADER, all.length);
        if (!java.util.Arrays.equals(all, 32, HEADER, sha256().digest(blob), 0, 32)) {
          return null;
        }
        if (blobMismatch(blob) != null) {
          return null;
        }
        KeptStartupBlobs.tidyInBackground(file);
        return blob;
      } catch (IOException | RuntimeException e) {
        return null;
      }
    }

    /**
     * Keeps {@code blob} for later processes (atomically; a failure only costs them the making),
     * then tidies the directory ({@link KeptStartupBlobs}).
     */
    static void write(java.nio.file.Path file, byte[] key, byte[] blob) {
      java.nio.file.Path tmp = null;
      try {
        tmp = java.nio.file.Files.createTempFile(file.getParent(), "startup", ".part");
        try (java.io.OutputStream out = java.nio.file.Files.newOutputStream(tmp)) {
          out.write(key, 0, 32);
          out.write(sha256().digest(blob));
          out.write(blob);
        }
        java.nio.file.Files.move(tmp, file, java.nio.file.StandardCopyOption.ATOMIC_MOVE,
            java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        KeptStartupBlobs.tidyInBackground(file);
      } catch (IOException | RuntimeException e) {
        // not kept
      } finally {
        try {
          if (tmp != null) {
            java.nio.file.Files.deleteIfExists(tmp);
          }
        } catch (IOException ignored) {
          // a stray .part file
        }
      }
    }

    private static java.security.MessageDigest sha256() {
      try {
        return java.security.MessageDigest.getInstance("SHA-256");
      } catch (java.security.NoSuchAlgorithmException e) {
        throw new IllegalStateException(e);
      }
    }
  }

  /**
   * V8 (14.7, as built into Javet 5.0.6) shares one read-only heap among all live isolates of the
   * process, set up from the snapshot of the first isolate, and checks that a later isolate's
   * blob has the same read-only part only in debug builds (measured here, reproducer in
   * snapshots/README.md). A snapshot-enabled isolate that finds no shared read-only heap gets a
   * private, writable one, and {@code createSnapshot} then promotes some of the context's own
   * objects (strings, functions) into it: every such blob has a read-only part of its own, and
   * two of them alive at once read each other's objects (wrong values, "Check failed: index <
   * size()", SIGSEGV). So the first isolate of the process is this plain one, made from V8's
   * built-in snapshot and never closed: every later isolate, snapshot-enabled or restored, shares
   * its read-only heap, and every blob taken here carries that same read-only part (checked by
   * {@link #blobMismatch} before any blob reaches V8). Costs one idle isolate (about 1 MiB).
   */
  private static final class ReadOnlyAnchor {
    private static String failure;
    static final V8Runtime RUNTIME = make();

    private ReadOnlyAnchor() {}

    static void hold() {
      if (RUNTIME == null) {
        throw new ComponentException("component.engine", "cannot start V8: " + failure);
      }
    }

    private static V8Runtime make() {
      try {
        return host().createV8Runtime(new V8RuntimeOptions());
      } catch (JavetException | RuntimeException | LinkageError e) {
        failure = e.toString();
        return null;
      }
    }
  }

  /** Where V8 14.7 keeps the version string and the read-only part's bounds in a blob's header. */
  private static final int BLOB_VERSION_AT = 16;
  private static final int BLOB_VERSION_LENGTH = 64;
  private static final int BLOB_READ_ONLY_AT = 80;
  private static final int BLOB_SHARED_AT = 84;
  /**
   * The read-only part ends with the isolate's next SharedFunctionInfo id (a counter of the
   * context, not of the read-only heap) and padding: left out of the comparison. The header's own
   * read-only checksum covers it, so it differs between any two contexts and cannot be used.
   */
  private static final int BLOB_READ_ONLY_TAIL = 16;

  /**
   * Why {@code blob} must not go into V8 in this process (null if it may): it must be a V8 blob
   * of this V8 whose read-only part is the one every isolate here shares ({@link ReadOnlyAnchor}).
   * A blob taken in a process without that anchor (b8g before it) usually has a read-only part of
   * its own, with some of its context's objects in it, and would crash the process when restored
   * next to another isolate.
   */
  static String blobMismatch(byte[] blob) {
    return blobMismatch(blob, false);
  }

  /**
   * As {@link #blobMismatch(byte[])}; {@code takenHere}: the blob was just taken in this process,
   * so its read-only part must match the shared one byte for byte (but for its tail). A blob from
   * another process is compared by the read-only part's size only: its bytes differ by the hash
   * seed of the process that took it (V8 rehashes on restore), while objects promoted into it, the
   * failure this guards against, make it larger. Images of b8g before the anchor are refused
   * earlier by their ABI version ({@link EngineVersion#ABI}).
   */
  static String blobMismatch(byte[] blob, boolean takenHere) {
    String version = v8Version();
    if (blob.length < BLOB_VERSION_AT + BLOB_VERSION_LENGTH) {
      return "the context is not a V8 " + version + " snapshot (" + blob.length + " bytes)";
    }
    byte[] v = version.getBytes(StandardCharsets.US_ASCII);
    boolean same = v.length < BLOB_VERSION_LENGTH && blob[BLOB_VERSION_AT + v.length] == 0;
    for (int i = 0; same && i < v.length; i++) {
      same = blob[BLOB_VERSION_AT + i] == v[i];
    }
    if (!same) {
      return "the context is not a V8 " + version + " snapshot";
    }
    long have = readOnlyDigest(blob);
    if (have < 0) {
      return "the context's V8 header is malformed (read-only part out of bounds)";
    }
    long want = sharedReadOnlyDigest();
    if (takenHere ? have != want : have >>> 32 != want >>> 32) {
      return String.format("the context was taken against another V8 read-only heap (%d bytes, %08x; this process"
          + " shares %d bytes, %08x): taken by a b8g without the read-only anchor, it would crash this process",
          have >>> 32, have & 0xffffffffL, want >>> 32, want & 0xffffffffL);
    }
    return null;
  }

  /** Length (high 32 bits) and CRC32C of the blob's read-only part without its tail; -1 if out of bounds. */
  private static long readOnlyDigest(byte[] blob) {
    if (blob.length < BLOB_SHARED_AT + 4) {
      return -1;
    }
    java.nio.ByteBuffer h = java.nio.ByteBuffer.wrap(blob).order(java.nio.ByteOrder.LITTLE_ENDIAN);
    int from = h.getInt(BLOB_READ_ONLY_AT);
    int to = h.getInt(BLOB_SHARED_AT);
    if (from < BLOB_SHARED_AT + 4 || to > blob.length || to - from <= BLOB_READ_ONLY_TAIL) {
      return -1;
    }
    java.util.zip.CRC32C crc = new java.util.zip.CRC32C();
    crc.update(blob, from, to - from - BLOB_READ_ONLY_TAIL);
    return ((long) (to - from) << 32) | crc.getValue();
  }

  private static Long sharedReadOnly;

  /**
   * The read-only part every blob taken in this process carries: read from a snapshot of an empty
   * snapshot-enabled isolate (about 10 ms, measured; once, on first need). Taken on a thread of its own, because
   * V8 enters a snapshot-enabled isolate on the thread that creates it until it is closed (two of
   * them closed out of order on one thread left a dangling current isolate: SIGSEGV, measured).
   */
  static synchronized long sharedReadOnlyDigest() {
    if (sharedReadOnly == null) {
      sharedReadOnly = readOnlyDigest(probeReadOnly());
    }
    return sharedReadOnly;
  }

  private static byte[] probeReadOnly() {
    return onOwnThread("b8g-ro-probe", () -> {
      V8RuntimeOptions options = new V8RuntimeOptions();
      options.setCreateSnapshotEnabled(true);
      try (V8Runtime rt = host().createV8Runtime(options)) {
        return rt.createSnapshot();
      }
    });
  }

  /**
   * Runs {@code body} (which makes and closes a snapshot-enabled isolate) on a new thread and
   * waits for it: V8 enters such an isolate on the thread that creates it until it is closed.
   */
  private static byte[] onOwnThread(String name, java.util.concurrent.Callable<byte[]> body) {
    ReadOnlyAnchor.hold();
    java.util.concurrent.CompletableFuture<byte[]> f = new java.util.concurrent.CompletableFuture<>();
    Thread t = new Thread(() -> {
      try {
        f.complete(body.call());
      } catch (Throwable e) {
        f.completeExceptionally(e);
      }
    }, name);
    t.setDaemon(true);
    t.start();
    try {
      return f.get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new ComponentException("component.engine", name + ": interrupted");
    } catch (java.util.concurrent.ExecutionException e) {
      throw new ComponentException("component.engine", name + ": " + e.getCause(), e.getCause());
    }
  }

  /** The Javet release on the class path. */
  static String javetVersion() {
    return com.caoccao.javet.interop.loader.JavetLibLoader.LIB_VERSION;
  }

  /** The protocol, the prelude's files and ring.js, as one classic script. */
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
    ReadOnlyAnchor.hold();
    return ReadOnlyAnchor.RUNTIME.getVersion();
  }

  static String resource(String name) {
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
