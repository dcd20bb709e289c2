package b8g.registry.bench;

import b8g.registry.Registry;
import b8g.registry.RegistryServer;
import b8g.registry.Unit;
import java.io.IOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;

/**
 * Push and pull throughput of a b8g unit with one large layer (a random {@code .b8gi} file, 64 MiB
 * by default) against a local docker-registry (distribution 2.8), next to {@code skopeo copy} of
 * the same unit in the same run: from b8g's store (an OCI layout) to the registry under another
 * name, and from there into a fresh OCI layout directory. Median of N runs (default 3); every run
 * uses fresh random layer bytes, fresh homes and fresh repositories so that every transfer moves
 * the bytes (nothing skipped as present, nothing mounted from another repository).
 *
 * <p>Run with {@code registry/bench.sh [MiB] [runs]}. Not a test: it asserts nothing about time.
 */
public final class RegistryBench {
  private RegistryBench() {}

  public static void main(String[] args) throws Exception {
    int mib = args.length > 0 ? Integer.parseInt(args[0]) : 64;
    int runs = args.length > 1 ? Integer.parseInt(args[1]) : 3;
    Path work = Files.createTempDirectory("b8g-registry-bench");
    try (RegistryServer server = RegistryServer.start(work.resolve("server"))) {
      Path unitDir = Files.createDirectories(work.resolve("unit"));
      Files.writeString(unitDir.resolve("bench.txtpb"), "components { name: \"main\" script: \"main.js\" }\n");
      Files.writeString(unitDir.resolve("main.js"), "async function main(env) {}\n");
      byte[] image = new byte[mib << 20];
      long bytes = Files.size(unitDir.resolve("bench.txtpb")) + Files.size(unitDir.resolve("main.js")) + image.length;

      Map<String, List<Double>> seconds = new LinkedHashMap<>();
      String push = "b8g push DIR -> registry (pack, store, upload)";
      String upload = "b8g tag store -> registry (upload only)";
      String skopeoPush = "skopeo copy oci:STORE -> registry";
      String pull = "b8g pull registry -> fresh store (verified)";
      String skopeoPull = "skopeo copy registry -> fresh oci: dir";
      for (String k : List.of(push, upload, skopeoPush, pull, skopeoPull)) {
        seconds.put(k, new ArrayList<>());
      }
      for (int i = 0; i < runs; i++) {
        // New random bytes every run: skopeo's blob-info cache remembers where it saw a digest and
        // would mount it from there instead of uploading, which would measure nothing.
        new Random(i).nextBytes(image);
        Files.write(unitDir.resolve("image.b8gi"), image);
        Path run = Files.createDirectories(work.resolve("run" + i));
        String pushed = server.host + "/bench/push-" + i + ":1";
        try (Registry reg = open(run.resolve("home"))) {
          long t = System.nanoTime();
          reg.push(unitDir, pushed);
          seconds.get(push).add(since(t));

          reg.push(Unit.fromDirectory(unitDir, "bench.txtpb"), "bench/unit:1"); // blobs already stored
          t = System.nanoTime();
          reg.tag("bench/unit:1", server.host + "/bench/upload-" + i + ":1");
          seconds.get(upload).add(since(t));

          t = System.nanoTime();
          skopeo("copy", "--quiet", "--dest-tls-verify=false", "oci:" + reg.storePath() + ":bench/unit:1",
              "docker://" + server.host + "/bench/skopeo-" + i + ":1");
          seconds.get(skopeoPush).add(since(t));
        }
        try (Registry reg = open(run.resolve("puller"))) {
          long t = System.nanoTime();
          Unit u = reg.pull(pushed);
          seconds.get(pull).add(since(t));
          if (!Arrays.equals(image, u.file("image.b8gi"))) {
            throw new IllegalStateException("pulled image differs");
          }
        }
        long t = System.nanoTime();
        skopeo("copy", "--quiet", "--src-tls-verify=false", "docker://" + server.host + "/bench/skopeo-" + i + ":1",
            "oci:" + run.resolve("skopeo-layout") + ":unit");
        seconds.get(skopeoPull).add(since(t));
        delete(run);
      }

      System.out.printf("unit: %.1f MiB (one %d MiB .b8gi layer + manifest + script), docker-registry 2.8 on %s, median of %d%n",
          bytes / 1048576.0, mib, server.host, runs);
      System.out.printf("%-48s %10s %10s%n", "path", "median s", "MiB/s");
      for (Map.Entry<String, List<Double>> e : seconds.entrySet()) {
        double m = median(e.getValue());
        System.out.printf("%-48s %10.3f %10.1f%n", e.getKey(), m, bytes / 1048576.0 / m);
      }
    } finally {
      delete(work);
    }
  }

  private static Registry open(Path home) {
    // The CLI's defaults (128 MiB chunks, 5 min request timeout).
    return Registry.open(new Registry.Context().home(home));
  }

  private static double since(long t) {
    return (System.nanoTime() - t) / 1e9;
  }

  private static double median(List<Double> xs) {
    List<Double> s = xs.stream().sorted().toList();
    int n = s.size();
    return n % 2 == 1 ? s.get(n / 2) : (s.get(n / 2 - 1) + s.get(n / 2)) / 2;
  }

  private static void skopeo(String... args) throws IOException, InterruptedException {
    Path bin = Path.of("/usr/bin/skopeo");
    if (!Files.isExecutable(bin)) {
      throw new IllegalStateException("skopeo is missing: .ci/run installs it (apt-get install skopeo)");
    }
    List<String> cmd = new ArrayList<>(List.of(bin.toString()));
    cmd.addAll(List.of(args));
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    String output = new String(p.getInputStream().readAllBytes());
    if (!p.waitFor(10, TimeUnit.MINUTES) || p.exitValue() != 0) {
      throw new IllegalStateException("skopeo " + String.join(" ", args) + " failed:\n" + output);
    }
  }

  private static void delete(Path root) throws IOException {
    if (!Files.exists(root)) {
      return;
    }
    Files.walkFileTree(root, new SimpleFileVisitor<>() {
      @Override
      public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
        Files.delete(file);
        return FileVisitResult.CONTINUE;
      }

      @Override
      public FileVisitResult postVisitDirectory(Path d, IOException e) throws IOException {
        Files.delete(d);
        return FileVisitResult.CONTINUE;
      }
    });
  }
}
