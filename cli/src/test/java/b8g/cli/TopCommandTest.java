package b8g.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import b8g.memory.counters.CountersDescriptor;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code b8g top} and {@code b8g run --metrics} against a real {@code b8g run} child process: the
 * JSON of {@code top --once --json} (itself another child, finding the host as a user would) holds
 * what the manifest did, a scrape passes {@code promtool check metrics}, and a corrupt or
 * truncated counters file is a clear error with exit code 9, never a trace.
 */
class TopCommandTest {
  /** 5,000 records of 64 bytes (no padding in a 64 KiB ring) and the END record. */
  private static final long CHANNEL_BYTES = 5_000 * 64L + 8;

  @TempDir Path tmp;
  private Process host;

  @AfterEach
  void stopHost() throws Exception {
    if (host != null && host.isAlive()) {
      host.destroy();
      host.waitFor(30, TimeUnit.SECONDS);
    }
  }

  private Path manifest() throws Exception {
    Files.writeString(tmp.resolve("producer.js"), """
        async function main(env) {
          const msg = 'x'.repeat(56);
          for (let i = 0; i < 5000; i++) { const p = env.out.write(msg); if (p) await p; }
          await env.out.close();
        }""");
    Files.writeString(tmp.resolve("sink.js"), """
        async function main(env) {
          let n = 0;
          for await (const m of env.in) n++;
          console.log('got ' + n);
          await new Promise((r) => setTimeout(r, 600000));
        }""");
    Files.writeString(tmp.resolve("crasher.js"), "async function main(env) { throw new Error('boom'); }");
    return Files.writeString(tmp.resolve("m.txtpb"), """
        components { name: "producer" script: "producer.js" }
        components { name: "sink" script: "sink.js" }
        components { name: "crasher" script: "crasher.js" restart { mode: ON_FAILURE max_restarts: 2 } }
        channels { name: "data" capacity: 65536 backing: ANONYMOUS }
        grants { component: "producer" channel: "data" rights: WRITE as: "out" }
        grants { component: "sink" channel: "data" rights: READ as: "in" }
        grants { component: "sink" host: LOG }
        """);
  }

  private ProcessBuilder b8g(String... args) {
    List<String> cmd = new ArrayList<>(StdioCliTest.java());
    cmd.addAll(List.of(args));
    ProcessBuilder pb = new ProcessBuilder(cmd);
    pb.environment().put("XDG_RUNTIME_DIR", tmp.toString());
    return pb;
  }

  @Test
  void topAndMetricsShowARunningHost() throws Exception {
    Path m = manifest();
    host = b8g("run", "--metrics", "127.0.0.1:0", m.toString()).start();
    CompletableFuture.runAsync(() -> drain(host.getInputStream()));
    BufferedReader err = new BufferedReader(new InputStreamReader(host.getErrorStream(), StandardCharsets.UTF_8));
    String url = null;
    StringBuilder seen = new StringBuilder();
    for (String line; url == null && (line = err.readLine()) != null; ) {
      seen.append(line).append('\n');
      Matcher at = Pattern.compile("b8g: metrics at (http://127\\.0\\.0\\.1:\\d+/metrics)").matcher(line);
      if (at.find()) {
        url = at.group(1);
      }
    }
    assertNotNull(url, "the host printed no metrics address: " + seen);
    CompletableFuture.runAsync(() -> drain(host.getErrorStream()));

    JsonObject top = null;
    for (int i = 0; i < 120; i++) {
      top = topJson("--host", Long.toString(host.pid()));
      JsonObject data = channel(top, "data");
      if (data != null && data.get("bytes_read").getAsLong() == CHANNEL_BYTES && component(top, "crasher").get("state").getAsInt() == 4) {
        break;
      }
      Thread.sleep(250);
    }
    assertEquals(host.pid(), top.get("pid").getAsLong());
    JsonObject data = channel(top, "data");
    assertEquals(CHANNEL_BYTES, data.get("bytes_written").getAsLong(), top.toString());
    assertEquals(CHANNEL_BYTES, data.get("bytes_read").getAsLong(), top.toString());
    assertEquals("producer -> sink", data.get("label").getAsString());
    JsonObject crasher = component(top, "crasher");
    assertEquals(2, crasher.get("restarts").getAsLong());
    assertEquals(3, crasher.get("failures").getAsLong());
    assertEquals("failed", crasher.get("stateName").getAsString());
    JsonObject sink = component(top, "sink");
    assertEquals("running", sink.get("stateName").getAsString());
    assertTrue(sink.get("turns").getAsLong() > 0);
    assertEquals(1, sink.get("timers").getAsLong(), "the sink's long timer");
    assertEquals(3, top.getAsJsonObject("host").get("components").getAsLong());

    // The text table, sorted by name.
    StringWriter out = new StringWriter();
    Path file = CountersPlace.fileOf(tmp.resolve("b8g-" + ControlSocket.uid()), host.pid());
    assertEquals(0, Main.execute(new String[] {"top", "--once", "--sort", "name", "--file", file.toString()}, new PrintWriter(out, true),
        new PrintWriter(new StringWriter(), true)));
    String table = out.toString();
    assertTrue(table.startsWith("b8g top - host " + host.pid()), table);
    assertTrue(table.indexOf("crasher ") < table.indexOf("producer ") && table.indexOf("producer ") < table.indexOf("sink "), table);

    // Clients that connect and never finish their request do not stop a scrape: they are cut at the
    // request time limit and the pool has more threads than one. (One thread without a limit
    // served nothing while the first of them stayed connected.)
    URI at = URI.create(url);
    List<Socket> idle = new ArrayList<>();
    try {
      for (int i = 0; i < MetricsServer.THREADS + 2; i++) {
        Socket s = new Socket(at.getHost(), at.getPort());
        s.getOutputStream().write("GET /metrics HTTP/1.1\r\n".getBytes(StandardCharsets.US_ASCII));
        s.getOutputStream().flush();
        idle.add(s);
      }
      // A real scrape: Prometheus text passes promtool; OpenMetrics when asked for.
      HttpClient http = HttpClient.newHttpClient();
      HttpResponse<String> scrape = http.send(HttpRequest.newBuilder(at).timeout(Duration.ofSeconds(90)).build(),
          HttpResponse.BodyHandlers.ofString());
      assertEquals(200, scrape.statusCode());
    } finally {
      for (Socket s : idle) {
        s.close();
      }
    }
    HttpClient http = HttpClient.newHttpClient();
    HttpResponse<String> scrape = http.send(HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.ofString());
    assertEquals(200, scrape.statusCode());
    assertTrue(scrape.body().contains("b8g_component_restarts_total{component=\"crasher\"} 2\n"), scrape.body());
    assertTrue(scrape.body().contains("b8g_channel_bytes_read_total{channel=\"data\"} " + CHANNEL_BYTES + "\n"), scrape.body());
    Process promtool = new ProcessBuilder("promtool", "check", "metrics").redirectErrorStream(true).start();
    promtool.getOutputStream().write(scrape.body().getBytes(StandardCharsets.UTF_8));
    promtool.getOutputStream().close();
    String lint = new String(promtool.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(promtool.waitFor(60, TimeUnit.SECONDS));
    assertEquals(0, promtool.exitValue(), "promtool check metrics: " + lint);
    HttpResponse<String> om = http.send(HttpRequest.newBuilder(URI.create(url)).header("Accept", "application/openmetrics-text; version=1.0.0")
        .build(), HttpResponse.BodyHandlers.ofString());
    assertTrue(om.headers().firstValue("Content-Type").orElse("").startsWith("application/openmetrics-text"));
    assertTrue(om.body().endsWith("# EOF\n"));
    assertTrue(om.body().contains("# TYPE b8g_component_turns counter\n"), om.body());
    // Every OpenMetrics line is a descriptor, a sample of a declared family, or the closing EOF.
    Pattern sample = Pattern.compile("([a-z0-9_]+)(\\{[a-z_]+=\"(?:[^\"\\\\\n]|\\\\.)*\"(?:,[a-z_]+=\"(?:[^\"\\\\\n]|\\\\.)*\")*\\})? -?[0-9]+(\\.[0-9]+)?");
    java.util.Set<String> families = new java.util.HashSet<>();
    List<String> lines = om.body().lines().toList();
    assertEquals("# EOF", lines.get(lines.size() - 1));
    for (String line : lines.subList(0, lines.size() - 1)) {
      Matcher d = Pattern.compile("# (TYPE|HELP|UNIT) ([a-z0-9_]+) .+").matcher(line);
      if (d.matches()) {
        families.add(d.group(2));
        continue;
      }
      Matcher x = sample.matcher(line);
      assertTrue(x.matches(), "not an OpenMetrics line: " + line);
      String name = x.group(1);
      assertTrue(families.contains(name) || families.contains(name.replaceAll("_(total|created)$", "")), "no family for " + line);
    }

    host.destroy();
    assertTrue(host.waitFor(30, TimeUnit.SECONDS));
    assertFalse(Files.exists(file), "the counters file goes with its host");
  }

  @Test
  void aCorruptOrTruncatedCountersFileIsAClearError() throws Exception {
    Path bad = Files.write(tmp.resolve("1.counters"), new byte[] {'B', '8', 'G'});
    StringWriter err = new StringWriter();
    assertEquals(9, Main.execute(new String[] {"top", "--once", "--json", "--file", bad.toString()}, new PrintWriter(new StringWriter(), true),
        new PrintWriter(err, true)));
    assertTrue(err.toString().startsWith("b8g: the counters file " + bad + " is unusable: it is 3 bytes long, shorter than its 128-byte header"),
        err.toString());
    assertFalse(err.toString().contains("\tat "), "no trace: " + err);

    Files.write(bad, new byte[4096]);
    err = new StringWriter();
    assertEquals(9, Main.execute(new String[] {"top", "--once", "--file", bad.toString()}, new PrintWriter(new StringWriter(), true),
        new PrintWriter(err, true)));
    assertTrue(err.toString().contains("not a b8g counters file"), err.toString());
  }

  /**
   * A file whose pid is dead, or whose pid now names a process that started after the file, is no
   * live host (a host killed with kill -9 leaves its file; its pid may be given to another process).
   */
  @Test
  void aStaleFileIsNoLiveHost() throws Exception {
    Path dir = Files.createDirectory(tmp.resolve("hosts"));
    long me = ProcessHandle.current().pid();
    ByteBuffer header = ByteBuffer.allocate(CountersDescriptor.HEADER_LENGTH).order(ByteOrder.LITTLE_ENDIAN);
    header.putLong(CountersDescriptor.START_OFFSET, System.currentTimeMillis());
    Files.write(CountersPlace.fileOf(dir, me), header.array());
    assertEquals(List.of(me), CountersPlace.liveHosts(dir), "this process, started before its file");
    header.putLong(CountersDescriptor.START_OFFSET, 1_000); // 1970: this process started after it
    Files.write(CountersPlace.fileOf(dir, me), header.array());
    assertEquals(List.of(), CountersPlace.liveHosts(dir), "a reused pid");
    Process gone = new ProcessBuilder("true").start();
    assertTrue(gone.waitFor(60, TimeUnit.SECONDS));
    Files.delete(CountersPlace.fileOf(dir, me));
    header.putLong(CountersDescriptor.START_OFFSET, System.currentTimeMillis());
    Files.write(CountersPlace.fileOf(dir, gone.pid()), header.array());
    assertEquals(List.of(), CountersPlace.liveHosts(dir), "a dead pid");
  }

  /** {@code b8g top} ends, saying so, when its host is killed outright and its file stays behind. */
  @Test
  void topEndsWhenItsHostIsKilled() throws Exception {
    Files.writeString(tmp.resolve("idle.js"), "async function main(env) { await new Promise((r) => setTimeout(r, 600000)); }");
    Path m = Files.writeString(tmp.resolve("idle.txtpb"), "components { name: \"idle\" script: \"idle.js\" }\n");
    host = b8g("run", m.toString()).start();
    CompletableFuture.runAsync(() -> drain(host.getInputStream()));
    CompletableFuture.runAsync(() -> drain(host.getErrorStream()));
    Path file = CountersPlace.fileOf(tmp.resolve("b8g-" + ControlSocket.uid()), host.pid());
    for (int i = 0; i < 240 && !Files.exists(file); i++) {
      Thread.sleep(250);
    }
    assertTrue(Files.exists(file), "the host made no counters file");
    topJson("--host", Long.toString(host.pid())); // it is found while it runs
    Process top = b8g("top", "--json", "--interval", "100", "--host", Long.toString(host.pid())).redirectErrorStream(true).start();
    BufferedReader topOut = new BufferedReader(new InputStreamReader(top.getInputStream(), StandardCharsets.UTF_8));
    String first = topOut.readLine(); // its first look: it found the host before the host dies
    assertNotNull(first, "top printed nothing");
    assertTrue(first.startsWith("{"), first);
    CompletableFuture<String> said = CompletableFuture.supplyAsync(() -> {
      try {
        StringBuilder rest = new StringBuilder();
        for (String line; (line = topOut.readLine()) != null; ) {
          rest.append(line).append('\n');
        }
        return rest.toString();
      } catch (java.io.IOException e) {
        return e.toString();
      }
    });
    try {
      host.destroyForcibly();
      assertTrue(host.waitFor(60, TimeUnit.SECONDS));
      assertTrue(Files.exists(file), "kill -9 leaves the file behind");
      assertTrue(top.waitFor(60, TimeUnit.SECONDS), "top went on after its host died");
      assertEquals(0, top.exitValue());
      assertTrue(said.get(60, TimeUnit.SECONDS).contains("b8g top: host " + host.pid() + " has ended"), said.getNow(""));
    } finally {
      top.destroyForcibly();
    }
  }

  @Test
  void withoutAHostTopSaysSo() throws Exception {
    Process p = b8g("top", "--once").redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(p.waitFor(60, TimeUnit.SECONDS));
    assertEquals(2, p.exitValue(), out);
    assertTrue(out.contains("no b8g host of this user is running"), out);
  }

  private JsonObject topJson(String... args) throws Exception {
    List<String> a = new ArrayList<>(List.of("top", "--once", "--json"));
    a.addAll(List.of(args));
    Process p = b8g(a.toArray(String[]::new)).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(p.waitFor(60, TimeUnit.SECONDS));
    assertEquals(0, p.exitValue(), out + err);
    // Strict JSON: one object, nothing around it.
    JsonElement e = JsonParser.parseString(out);
    assertEquals(1, out.strip().lines().count(), out);
    return e.getAsJsonObject();
  }

  private static JsonObject channel(JsonObject top, String name) {
    return find(top, "channels", name);
  }

  private static JsonObject component(JsonObject top, String name) {
    JsonObject c = find(top, "components", name);
    assertNotNull(c, name + " in " + top);
    return c;
  }

  private static JsonObject find(JsonObject top, String what, String name) {
    for (JsonElement e : top.getAsJsonArray(what)) {
      if (e.getAsJsonObject().get("name").getAsString().equals(name)) {
        return e.getAsJsonObject();
      }
    }
    return null;
  }

  private static void drain(java.io.InputStream in) {
    try (in) {
      in.transferTo(java.io.OutputStream.nullOutputStream());
    } catch (java.io.IOException e) {
      // the child ended
    }
  }
}
