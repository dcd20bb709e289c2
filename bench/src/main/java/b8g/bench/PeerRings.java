package b8g.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The peers' rings for the channel figures: {@code raw-ring.js} (the raw baseline's ring) between
 * two threads over a SharedArrayBuffer in a Node subprocess ({@code peer-ring.js}), with Node's
 * {@code worker_threads} or with two isolated-vm isolates; same message sizes, same 1 MiB ring,
 * spin then {@code Atomics.wait}, {@code Atomics.notify} only when the other side waits. Calibrated
 * and warmed up as {@link ChannelBench} does, in their own process, so they cannot alternate round
 * by round with the platform: the bench runs them right after the platform's rounds of the same
 * figure.
 */
final class PeerRings {
  private PeerRings() {}

  /** The peers, as {@code peer-ring.js} names them. */
  enum Kind {
    WORKER("worker", "Node worker_threads SharedArrayBuffer ring"),
    IVM("ivm", "isolated-vm SharedArrayBuffer ring, two isolates");

    final String arg;
    final String label;

    Kind(String arg, String label) {
      this.arg = arg;
      this.label = label;
    }
  }

  /** Messages per second per round, or null with the reason in {@code note}. */
  record Result(Kind kind, Stats msgsPerSecond, long messagesPerRound, String node, String note) {
    boolean ok() {
      return msgsPerSecond != null;
    }
  }

  /**
   * Runs one peer for one figure. Never throws: a peer that cannot run (no node, isolated-vm not
   * installed, a failed or timed-out run) gives a result with a note.
   *
   * @param ivmDir the isolated-vm module directory, needed for {@link Kind#IVM}; may be null
   */
  static Result run(Kind kind, Path ivmDir, int size, String mode, long n0, double seconds, int rounds) {
    if (kind == Kind.IVM && (ivmDir == null || !Files.isRegularFile(ivmDir.resolve("out/isolated_vm.node")))) {
      return new Result(kind, null, 0, null, "isolated-vm not installed at " + ivmDir
          + " (bench/run.sh without --smoke installs it, or pass -Db8g.bench.ivm=<dir>/node_modules/isolated-vm)");
    }
    Path dir = null;
    try {
      dir = Files.createTempDirectory("b8g-peer-ring");
      Path script = dir.resolve("peer-ring.js");
      Path ring = dir.resolve("raw-ring.js");
      Path output = dir.resolve("out.txt");
      Files.writeString(script, Bench.resource("peer-ring.js"));
      Files.writeString(ring, Bench.resource("raw-ring.js"));
      Duration bound = Watch.bound();
      Process p;
      try {
        p = new ProcessBuilder("node", script.toString(), kind.arg, ring.toString(),
            ivmDir == null ? "-" : ivmDir.toAbsolutePath().toString(), Integer.toString(size), mode, Long.toString(n0),
            Double.toString(seconds), Integer.toString(rounds), Long.toString(bound.toSeconds()))
            .redirectErrorStream(true).redirectOutput(output.toFile()).start();
      } catch (IOException e) {
        return new Result(kind, null, 0, null, "node could not be started: " + e.getMessage());
      }
      // Calibration + warm-up + rounds, each bounded in the script by the same bound.
      long limit = bound.toMillis() * (rounds + 3);
      boolean done = p.waitFor(limit, TimeUnit.MILLISECONDS);
      if (!done) {
        p.destroyForcibly();
        p.waitFor(Watch.GRACE.toMillis(), TimeUnit.MILLISECONDS);
      }
      String out = Files.readString(output).strip();
      if (!done || p.exitValue() != 0) {
        return new Result(kind, null, 0, null, kind.arg + " peer ring failed"
            + (done ? " (exit " + p.exitValue() + ")" : " (no end within " + limit / 1000 + " s)") + ": "
            + (out.length() > 300 ? out.substring(0, 300) + "..." : out));
      }
      return new Result(kind, Stats.of(rates(out)), number(out, "n"), text(out, "node"), null);
    } catch (IOException | RuntimeException e) {
      return new Result(kind, null, 0, null, kind.arg + " peer ring failed: " + e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return new Result(kind, null, 0, null, kind.arg + " peer ring interrupted");
    } finally {
      if (dir != null) {
        try (var files = Files.list(dir)) {
          for (Path f : (Iterable<Path>) files::iterator) {
            Files.deleteIfExists(f);
          }
          Files.deleteIfExists(dir);
        } catch (IOException e) {
          // a temp file left behind
        }
      }
    }
  }

  private static double[] rates(String json) {
    Matcher m = Pattern.compile("\"rates\":\\[([^\\]]*)\\]").matcher(json);
    if (!m.find()) {
      throw new IllegalStateException("no rates in the peer ring's output: " + json);
    }
    String[] parts = m.group(1).split(",");
    double[] xs = new double[parts.length];
    for (int i = 0; i < parts.length; i++) {
      xs[i] = Double.parseDouble(parts[i]);
    }
    return xs;
  }

  private static long number(String json, String key) {
    Matcher m = Pattern.compile("\"" + key + "\":(\\d+)").matcher(json);
    return m.find() ? Long.parseLong(m.group(1)) : 0;
  }

  private static String text(String json, String key) {
    Matcher m = Pattern.compile("\"" + key + "\":\"([^\"]*)\"").matcher(json);
    return m.find() ? m.group(1) : "?";
  }
}
