package b8g.host.modules;

import b8g.components.ComponentException;
import b8g.components.ScriptModule;
import b8g.host.modules.ModuleResolver.Mode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * A component's whole module graph, read once at start from its directory: the entry point and
 * every file reachable through a literal {@code require('...')}, {@code import} or
 * {@code export ... from}, each resolved as Node does ({@link ModuleResolver}), TypeScript
 * stripped ({@link Transpiler}), ES modules rewritten as CommonJS ({@link CommonJs}). At run time
 * the component has no file system: it gets this list and nothing else.
 *
 * <p>A {@code .js} entry point with no require, import, export, module or exports is a classic
 * script, run as before ({@link #classic}).
 */
public final class ModuleGraph {
  /** At most this many files in one component's graph (lodash-es alone has about 650). */
  public static final int MAX_FILES = 5_000;
  /** At most this many bytes of source in one component's graph. */
  public static final long MAX_BYTES = 64L << 20;

  private static final Pattern MODULE_WORDS = Pattern.compile("\\b(?:require|import|export|exports|module)\\b");
  /**
   * Block comments, and line comments that start a line or follow a blank: what the check for
   * module words skips, so a JSDoc type such as {@code import('./env').Env} leaves a script classic.
   * A comment marker inside a string could hide a word; then a module is taken for a classic
   * script and its require is missing, an error at once, never a wrong result.
   */
  private static final Pattern COMMENTS = Pattern.compile("/\\*[\\s\\S]*?\\*/|(?m)(?:^|(?<=\\s))//.*$");

  private ModuleGraph() {}

  /**
   * True when {@code source}, the text of {@code file}, is a classic script: a {@code .js} file
   * that names none of require, import, export, exports, module (it defines a global main).
   */
  public static boolean classic(Path file, String source) {
    return file.getFileName().toString().endsWith(".js")
        && !MODULE_WORDS.matcher(COMMENTS.matcher(source).replaceAll(" ")).find();
  }

  /**
   * Reads the graph of {@code entry} (a file below {@code directory}): the entry point first.
   * {@code location} prefixes errors (the manifest line that names the script).
   */
  public static List<ScriptModule> read(Path directory, Path entry, String location) {
    return onLargeStack(() -> read(directory, entry, location, null, MAX_FILES, MAX_BYTES), location, entry);
  }

  /**
   * The files the graph of {@code entry} is read from, relative to {@code directory}: every module
   * and every package.json that took part in resolving them. What a registry unit must carry for
   * the host to read the same graph where it is deployed.
   */
  public static java.util.Set<String> files(Path directory, Path entry) {
    java.util.Set<String> out = new java.util.TreeSet<>();
    onLargeStack(() -> read(directory, entry, "", out, MAX_FILES, MAX_BYTES), "", entry);
    return out;
  }

  /** The stack a graph is read on: swc parses recursively on it, in native code, which cannot recover from overflowing it. */
  static final long STACK_BYTES = 256L << 20;

  /** How long an interrupted read is waited for once told to stop (it stops between two files). */
  static final long STOP_GRACE_MILLIS = 2_000;

  /**
   * {@code read} on a thread of its own with a {@link #STACK_BYTES} stack (reserved, touched only as
   * used): SourceLimits keeps nesting below what overflows 1 MB, this leaves a wide margin over it.
   *
   * <p>An interrupt of the calling thread (a host stopping while it starts a component) ends the
   * wait: the reader is interrupted (it stops before its next file, and a file read in progress ends
   * at once) and waited for at most {@link #STOP_GRACE_MILLIS}; then the interrupt status is set
   * again and {@code component.interrupted} thrown. The reader only reads files and builds its own
   * list, so nothing depends on it having ended: one inside a native parse (swc cannot be
   * interrupted; SourceLimits bounds a file) is left to finish on its own, a daemon whose result
   * nobody takes.
   */
  private static <T> T onLargeStack(java.util.function.Supplier<T> read, String location, Path entry) {
    Object[] out = new Object[1];
    Throwable[] failed = new Throwable[1];
    Thread t = new Thread(null, () -> {
      try {
        out[0] = read.get();
      } catch (Throwable e) {
        failed[0] = e;
      }
    }, "b8g-module-graph", STACK_BYTES);
    t.setDaemon(true);
    t.start();
    try {
      t.join();
    } catch (InterruptedException e) {
      t.interrupt();
      try {
        t.join(STOP_GRACE_MILLIS);
      } catch (InterruptedException again) {
        // interrupted twice: stop waiting at once
      }
      Thread.currentThread().interrupt();
      throw new ComponentException("component.interrupted", location + "interrupted while reading the module graph of "
          + entry + "; nothing of it was used" + (t.isAlive() ? " (the reader ends with the module it is parsing)" : ""), e);
    }
    if (failed[0] instanceof RuntimeException e) {
      throw e;
    } else if (failed[0] instanceof Error e) {
      throw e;
    } else if (failed[0] != null) {
      throw new IllegalStateException(failed[0]);
    }
    @SuppressWarnings("unchecked")
    T result = (T) out[0];
    return result;
  }

  /** As {@link #read(Path, Path, String)} with other caps (tests); {@code files} collects what was read, or null. */
  static List<ScriptModule> read(Path directory, Path entry, String location, java.util.Set<String> files, int maxFiles, long maxBytes) {
    Path root;
    Path first;
    try {
      root = directory.toRealPath();
      first = entry.toRealPath();
    } catch (IOException e) {
      throw new ComponentException("component.script", location + "cannot read script " + entry + ": " + e.getMessage(), e);
    }
    if (!first.startsWith(root)) {
      throw new ComponentException("component.script", location + "script " + entry + " is outside the component's directory " + root);
    }
    ModuleResolver resolver = new ModuleResolver(root);
    Map<Path, ScriptModule> done = new LinkedHashMap<>();
    Deque<Path> todo = new ArrayDeque<>();
    todo.add(first);
    long bytes = 0;
    while (!todo.isEmpty()) {
      if (Thread.currentThread().isInterrupted()) {
        // Told to stop (onLargeStack): the caller has given up on the graph and says so.
        throw new ComponentException("component.interrupted", location + "reading the module graph was interrupted");
      }
      Path file = todo.poll();
      if (done.containsKey(file)) {
        continue;
      }
      String name = name(root, file);
      String text;
      try {
        text = Files.readString(file, StandardCharsets.UTF_8);
      } catch (IOException e) {
        throw new ComponentException("component.script", location + "cannot read module " + name + ": " + e.getMessage(), e);
      }
      bytes += text.length();
      if (done.size() + 1 > maxFiles || bytes > maxBytes) {
        throw new ComponentException("component.script", location + "the module graph of " + name(root, first)
            + " is too large: more than " + maxFiles + " files or " + maxBytes + " bytes of source (at " + name
            + "); b8g reads a component's whole graph at start");
      }
      ScriptModule m;
      try {
        m = module(resolver, root, file, name, text, file.equals(first), todo);
      } catch (StackOverflowError | OutOfMemoryError e) {
        // A module the limits let through still too deep or too large to read: refused, the host goes on.
        throw new ComponentException("component.script", location + name + ": too deeply nested or too large to read ("
            + e.getClass().getSimpleName() + "): b8g refuses modules nesting deeper than " + SourceLimits.MAX_NESTING);
      }
      done.put(file, m);
    }
    if (files != null) {
      done.values().forEach(m -> files.add(m.name()));
      resolver.packageFiles().forEach(p -> files.add(name(root, p)));
    }
    return new ArrayList<>(done.values());
  }

  private static ScriptModule module(ModuleResolver resolver, Path root, Path file, String name, String text, boolean entry, Deque<Path> todo) {
    if (text.startsWith("\uFEFF")) {
      text = text.substring(1);
    }
    String lower = name.toLowerCase(java.util.Locale.ROOT);
    if (resolver.disabled(file, null)) {
      return new ScriptModule(name, "", Map.of(), null);
    }
    if (lower.endsWith(".json")) {
      return new ScriptModule(name, "module.exports = " + text + "\n;", Map.of(), null);
    }
    boolean ts = lower.endsWith(".ts") || lower.endsWith(".mts") || lower.endsWith(".cts");
    if (!ts && !lower.endsWith(".js") && !lower.endsWith(".mjs") && !lower.endsWith(".cjs")) {
      throw new ComponentException("component.script", name + ": b8g loads only .js, .cjs, .mjs, .ts, .mts, .cts and .json modules");
    }
    SourceLimits.check(text, name);
    int[] lines = null;
    String js = text;
    if (ts) {
      Transpiler.Stripped s = Transpiler.stripTypes(text, name);
      js = s.code();
      lines = s.lines();
    }
    boolean esm = lower.endsWith(".mjs") || lower.endsWith(".mts") || (lower.endsWith(".js") && resolver.typeModule(file));
    boolean cjs = lower.endsWith(".cjs") || lower.endsWith(".cts");
    CommonJs.Result r = CommonJs.of(js, Transpiler.parse(js, name), name, esm && !cjs);
    Map<String, String> requires = new LinkedHashMap<>();
    for (Map.Entry<String, Mode> s : r.specifiers().entrySet()) {
      Path target = resolver.resolve(s.getKey(), file, name, s.getValue());
      if (target == null && resolver.disabled(file, s.getKey())) {
        requires.put(s.getKey(), ScriptModule.EMPTY);
      } else if (target == null) {
        requires.put(s.getKey(), builtin(s.getKey()) ? ScriptModule.BUILTIN : ScriptModule.MISSING);
      } else {
        requires.put(s.getKey(), name(root, target));
        todo.add(target);
      }
    }
    String code = r.code();
    if (entry) {
      // A main the entry declares without exporting it, as a classic script would.
      code += "\n;__b8g_esm.main(module, typeof main === 'function' ? main : undefined);";
    }
    return new ScriptModule(name, code, requires, lines);
  }

  private static boolean builtin(String spec) {
    return spec.startsWith("node:") || BUILTINS.contains(spec);
  }

  private static final java.util.Set<String> BUILTINS = java.util.Set.of("assert", "async_hooks", "buffer", "child_process",
      "cluster", "console", "constants", "crypto", "dgram", "diagnostics_channel", "dns", "domain", "events", "fs",
      "fs/promises", "http", "http2", "https", "inspector", "module", "net", "os", "path", "path/posix", "path/win32",
      "perf_hooks", "process", "punycode", "querystring", "readline", "repl", "stream", "stream/promises", "stream/web",
      "string_decoder", "sys", "timers", "timers/promises", "tls", "trace_events", "tty", "url", "util", "util/types", "v8",
      "vm", "wasi", "worker_threads", "zlib");

  private static String name(Path root, Path file) {
    return root.relativize(file).toString().replace('\\', '/');
  }
}
