package b8g.bench;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The whole process: {@code ./b8g run examples/hello/hello.txtpb} (the launcher at the repository
 * root, as a user runs it: class-data-sharing archive and all) against {@code node -e
 * 'console.log("hello")'}, alternating run by run. Wall time from spawning to exit, measured here;
 * maximum RSS from {@code /usr/bin/time -f %M} when it is installed. One run of each first, not
 * measured: it builds the launcher's jar or records its archive if needed (bench/run.sh builds
 * both before this JVM starts, so the launcher never rewrites jars this JVM has open).
 */
final class HelloBench {
  static final String TIME = "/usr/bin/time";
  private static final String EXPECTED = "[hello] hello from an isolated component";

  /** Wall ms and max RSS MiB (null without /usr/bin/time) of the platform and of node (null without node). */
  record Result(Stats wall, Stats rss, Stats nodeWall, Stats nodeRss, String note) {}

  private HelloBench() {}

  static Result run(int warmup, int n) throws Exception {
    Path root = Path.of(System.getProperty("user.dir")).toAbsolutePath();
    Path launcher = root.resolve("b8g");
    Path manifest = root.resolve("examples/hello/hello.txtpb");
    if (!Files.isExecutable(launcher) || !Files.isRegularFile(manifest)) {
      throw new FigureFailed("no ./b8g or examples/hello/hello.txtpb in " + root + " (bench/run.sh runs from the repository root)");
    }
    boolean time = Files.isExecutable(Path.of(TIME));
    List<String> notes = new ArrayList<>();
    if (!time) {
      notes.add(TIME + " is missing: no max RSS (apt-get install time)");
    }
    String node = which("node");
    if (node == null) {
      notes.add("node is not on the PATH: no baseline");
    }
    List<String> b8g = List.of(launcher.toString(), "run", manifest.toString());
    List<String> js = node == null ? null : List.of(node, "-e", "console.log(\"hello\")");
    Path tmp = Files.createTempDirectory("b8g-bench-hello-");
    try {
      // The first ./b8g run may build (minutes) and records the archive: a bound of its own.
      long bound = Math.max(Watch.bound().toSeconds(), 900);
      for (int i = 0; i < Math.max(warmup, 1); i++) {
        Run first = once(b8g, tmp, time, bound);
        if (first.stderr().contains("b8g: building")) {
          notes.add("./b8g built the project in the first (unmeasured) run; bench/run.sh should have built it before");
        }
        if (js != null) {
          once(js, tmp, time, Watch.bound().toSeconds());
        }
      }
      double[] wall = new double[n];
      double[] rss = new double[n];
      double[] nodeWall = new double[n];
      double[] nodeRss = new double[n];
      for (int i = 0; i < n; i++) {
        Run r = once(b8g, tmp, time, Watch.bound().toSeconds());
        if (!r.stdout().contains(EXPECTED)) {
          throw new FigureFailed("./b8g run " + root.relativize(manifest) + " printed " + quote(r.stdout()) + ", not " + quote(EXPECTED));
        }
        wall[i] = r.ms();
        rss[i] = r.maxRssMib();
        if (js != null) {
          Run b = once(js, tmp, time, Watch.bound().toSeconds());
          nodeWall[i] = b.ms();
          nodeRss[i] = b.maxRssMib();
        }
      }
      return new Result(Stats.of(wall), time ? Stats.of(rss) : null, js == null ? null : Stats.of(nodeWall),
          js == null || !time ? null : Stats.of(nodeRss), String.join("; ", notes));
    } finally {
      for (String f : new String[] {"out", "err", "time"}) {
        Files.deleteIfExists(tmp.resolve(f));
      }
      Files.deleteIfExists(tmp);
    }
  }

  private record Run(double ms, double maxRssMib, String stdout, String stderr) {}

  /** Runs {@code cmd} once (under /usr/bin/time if {@code time}); fails unless it exits 0 within {@code boundSeconds}. */
  private static Run once(List<String> cmd, Path tmp, boolean time, long boundSeconds) throws Exception {
    List<String> full = new ArrayList<>();
    if (time) {
      full.addAll(List.of(TIME, "-f", "%M", "-o", tmp.resolve("time").toString()));
    }
    full.addAll(cmd);
    ProcessBuilder pb = new ProcessBuilder(full)
        .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
        .redirectOutput(tmp.resolve("out").toFile())
        .redirectError(tmp.resolve("err").toFile());
    long t0 = System.nanoTime();
    Process p = pb.start();
    if (!p.waitFor(boundSeconds, TimeUnit.SECONDS)) {
      p.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
      throw new FigureFailed(String.join(" ", cmd) + " did not end within " + boundSeconds + " s");
    }
    double ms = (System.nanoTime() - t0) / 1e6;
    String out = Files.readString(tmp.resolve("out"), StandardCharsets.UTF_8);
    String err = Files.readString(tmp.resolve("err"), StandardCharsets.UTF_8);
    if (p.exitValue() != 0) {
      throw new FigureFailed(String.join(" ", cmd) + " exited " + p.exitValue() + "; stderr: " + quote(tail(err)));
    }
    double rss = Double.NaN;
    if (time) {
      String kib = Files.readString(tmp.resolve("time"), StandardCharsets.UTF_8).strip();
      String last = kib.substring(kib.lastIndexOf('\n') + 1).strip();
      try {
        rss = Long.parseLong(last) / 1024.0;
      } catch (NumberFormatException e) {
        throw new FigureFailed(TIME + " wrote " + quote(kib) + ", not a size in KiB");
      }
    }
    return new Run(ms, rss, out, err);
  }

  private static String which(String program) {
    String path = System.getenv("PATH");
    if (path == null) {
      return null;
    }
    for (String d : path.split(":")) {
      Path p = Path.of(d.isEmpty() ? "." : d, program);
      if (Files.isExecutable(p) && !Files.isDirectory(p)) {
        return p.toString();
      }
    }
    return null;
  }

  private static String tail(String s) {
    List<String> lines = s.strip().lines().toList();
    return String.join(" | ", lines.subList(Math.max(0, lines.size() - 3), lines.size()));
  }

  private static String quote(String s) {
    String t = s.strip();
    return "\"" + (t.length() > 200 ? t.substring(0, 200) + "..." : t) + "\"";
  }
}
