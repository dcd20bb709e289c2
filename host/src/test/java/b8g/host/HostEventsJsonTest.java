package b8g.host;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * A real host's events as JSON lines ({@link Host.Context#jsonEvents}): every line strict JSON
 * with the stable keys, each kind with its structured fields, hostile names escaped, and never a
 * secret, in any encoding.
 */
class HostEventsJsonTest extends HostFixture {
  private static final Pattern TS = Pattern.compile("\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}\\.\\d{3}Z");
  /** A child's script name with a quote, a backslash, a brace and a line end: user data in a component's name. */
  private static final String HOSTILE = "w\"e\\i\n}rd.js";

  private final StringBuilder json = new StringBuilder();

  private Host launchJson(Path manifest) {
    return Host.launch(new Host.Context().manifest(manifest).log(log::add).events(events::add).jsonEvents(json));
  }

  private List<JsonObject> lines() {
    List<JsonObject> out = new ArrayList<>();
    String all;
    synchronized (json) {
      all = json.toString();
    }
    assertTrue(all.endsWith("\n"), all);
    for (String line : all.split("\n", -1)) {
      if (line.isEmpty()) {
        continue;
      }
      JsonObject o = EventJsonTest.parseStrict(line);
      assertTrue(TS.matcher(o.get("ts").getAsString()).matches(), line);
      assertNotNull(o.get("kind"), line);
      assertNotNull(o.get("component"), line);
      out.add(o);
    }
    return out;
  }

  private static JsonObject one(List<JsonObject> lines, String kind, Predicate<JsonObject> which) {
    List<JsonObject> found = lines.stream().filter(o -> o.get("kind").getAsString().equals(kind)).filter(which).toList();
    assertEquals(1, found.size(), kind + " in " + lines);
    return found.get(0);
  }

  private static Predicate<JsonObject> of(String component) {
    return o -> o.get("component").getAsString().equals(component);
  }

  private static Predicate<JsonObject> has(String key, String value) {
    return o -> o.has(key) && o.get(key).isJsonPrimitive() && o.get(key).getAsString().equals(value);
  }

  private static List<String> strings(JsonElement array) {
    List<String> out = new ArrayList<>();
    for (JsonElement e : (JsonArray) array) {
      out.add(e.getAsString());
    }
    return out;
  }

  @Test
  void shouldWriteEveryKindWithItsFieldsAndNeverTheSecret() throws Exception {
    write("a.js", """
        async function main(env) {
          env.export('data', env.data);
          await env.done.read(); // until b has linked
        }""");
    write("b.js", """
        async function main(env) {
          try { env.link('00'.repeat(32)); } catch (e) { console.log('refused ' + e.code); }
          const got = env.link(env.a_secret);
          console.log('secret ' + env.a_secret + ' linked ' + Object.keys(got).join(','));
          env.done.tryWrite('go');
          await env.done.close();
        }""");
    write("spin.js", "async function main(env) { for (;;) {} }");
    write("flaky.js", "async function main(env) { throw new Error('boom'); }");
    write("parent.js", "async function main(env) { const k = env.run(" + jsString("kids/" + HOSTILE) + ", {}); await k.exited; }");
    write("kids/" + HOSTILE, "async function main(env) { }");
    Path m = write("m.txtpb", """
        components { name: "a" script: "a.js" }
        components { name: "b" script: "b.js" after: "a" }
        components { name: "spin" script: "spin.js" limits { cpu_ms_per_turn: 100 } }
        components { name: "flaky" script: "flaky.js" restart { mode: ON_FAILURE max_restarts: 1 } }
        components { name: "parent" script: "parent.js" }
        regions { name: "data" size: 64 backing: ANONYMOUS }
        channels { name: "done" capacity: 4096 backing: ANONYMOUS }
        grants { component: "a" region: "data" rights: READ }
        grants { component: "a" channel: "done" rights: READ }
        grants { component: "b" channel: "done" rights: WRITE }
        grants { component: "b" host: LOG }
        grants { component: "parent" host: RUN paths: "kids" }
        grants { component: "parent" host: LOG }
        links { from: "a" to: "b" }
        """);
    try (Host h = launchJson(m)) {
      finish(h, Duration.ofSeconds(60));
      h.revoke("parent", "log");
    }
    List<JsonObject> lines = lines();

    JsonObject region = one(lines, "granted", of("a").and(has("env", "data")));
    assertEquals("region", region.get("capability").getAsString());
    assertEquals("data", region.get("target").getAsString());
    assertEquals(List.of("read"), strings(region.get("rights")));
    JsonObject writer = one(lines, "granted", of("b").and(has("env", "done")));
    assertEquals("channel", writer.get("capability").getAsString());
    assertEquals("writer", writer.get("end").getAsString());
    JsonObject run = one(lines, "granted", of("parent").and(has("env", "run")));
    assertEquals("run", run.get("capability").getAsString());
    JsonObject secret = one(lines, "granted", of("b").and(has("env", "a_secret")));
    assertEquals("secret", secret.get("capability").getAsString());
    assertEquals("a", secret.get("secret_of").getAsString());

    assertEquals("link.refused", one(lines, "link_refused", of("b")).get("reason").getAsString());
    JsonObject linked = one(lines, "linked", of("b"));
    assertEquals("a", linked.get("to").getAsString());
    assertEquals(List.of("data"), strings(linked.get("exports")));
    assertEquals("region", one(lines, "exported", of("a")).get("capability").getAsString());

    JsonObject spin = one(lines, "terminated", of("spin"));
    assertEquals(137, spin.get("code").getAsInt());
    assertEquals("limit.cpu", spin.get("cause").getAsString());
    assertTrue(spin.get("reason").getAsString().startsWith("CPU limit exceeded"), spin.toString());

    one(lines, "started", of("flaky").and(has("attempt", "1")));
    JsonObject restarted = one(lines, "restarted", of("flaky"));
    assertEquals(1, restarted.get("attempt").getAsInt());
    assertEquals(1, restarted.get("max").getAsInt());
    assertEquals("in-process", one(lines, "started", of("flaky").and(has("attempt", "2"))).get("isolation").getAsString());
    assertEquals(2, lines.stream().filter(o -> o.get("kind").getAsString().equals("failed")
        && o.get("component").getAsString().equals("flaky") && o.get("cause").getAsString().equals("main.rejected")
        && o.get("code").getAsInt() == 1).count(), lines.toString());

    // The child's name carries its script's file name: user data, escaped and read back whole.
    JsonObject child = one(lines, "child_started", has("parent", "parent"));
    assertEquals(HOSTILE, child.get("script").getAsString());
    assertTrue(child.get("component").getAsString().startsWith("parent/" + HOSTILE + "#"), child.toString());
    assertEquals(0, one(lines, "exited", of(child.get("component").getAsString())).get("code").getAsInt());

    assertEquals("log", one(lines, "revoked", of("parent")).get("env").getAsString());
    assertEquals(0, one(lines, "exited", of("a")).get("code").getAsInt());
    assertEquals(1, lines.stream().filter(o -> o.get("kind").getAsString().equals("stopped")).count());
    // The same events reached the Java sink (in an order that may differ where threads raced).
    assertEquals(events.stream().map(e -> e.kind().id()).sorted().toList(),
        lines.stream().map(o -> o.get("kind").getAsString()).sorted().toList());

    // The secret: in b's log (it printed it), in no event, as hex, HEX, base64 or base64url.
    String hex = log.stream().map(l -> Pattern.compile("secret ([0-9a-f]{64})").matcher(l)).filter(Matcher::find)
        .map(x -> x.group(1)).findFirst().orElseThrow(() -> new AssertionError("b did not print its secret: " + log));
    byte[] bytes = HexFormat.of().parseHex(hex);
    String all = json.toString();
    for (String form : List.of(hex, hex.toUpperCase(Locale.ROOT), Base64.getEncoder().encodeToString(bytes),
        Base64.getUrlEncoder().withoutPadding().encodeToString(bytes), Base64.getEncoder().withoutPadding().encodeToString(bytes))) {
      assertFalse(all.contains(form), "an event carried the secret (" + form + "): " + all);
    }
  }

  @Test
  void shouldSayWhoWaitsOnWhatInADeadlock() throws Exception {
    write("ping.js", "async function main(env) { await env.in.read(); }");
    write("pong.js", "async function main(env) { await env.in.read(); await env.out.write('never'); }");
    Path m = write("m.txtpb", """
        components { name: "ping" script: "ping.js" }
        components { name: "pong" script: "pong.js" }
        channels { name: "to_ping" capacity: 4096 backing: ANONYMOUS }
        channels { name: "to_pong" capacity: 4096 backing: ANONYMOUS }
        grants { component: "ping" channel: "to_ping" rights: READ as: "in" }
        grants { component: "ping" channel: "to_pong" rights: WRITE as: "out" }
        grants { component: "pong" channel: "to_pong" rights: READ as: "in" }
        grants { component: "pong" channel: "to_ping" rights: WRITE as: "out" }
        """);
    try (Host h = launchJson(m)) {
      finish(h, Duration.ofSeconds(30));
    }
    List<JsonObject> lines = lines();
    JsonObject deadlock = one(lines, "deadlock", of("host"));
    List<String> seen = new ArrayList<>();
    for (JsonElement w : deadlock.getAsJsonArray("waits")) {
      JsonObject o = w.getAsJsonObject();
      seen.add(o.get("component").getAsString() + ": " + String.join(", ", strings(o.get("waits_on"))));
    }
    assertEquals(List.of("ping: read channel to_ping (empty)", "pong: read channel to_pong (empty)"), seen.stream().sorted().toList());
    for (String c : List.of("ping", "pong")) {
      assertEquals("deadlock", one(lines, "terminated", of(c)).get("cause").getAsString());
    }
  }

  @Test
  void shouldKeepRunningWhenTheJsonSinkFails() throws Exception {
    write("hi.js", "async function main(env) { console.log('hi'); }");
    Path m = write("m.txtpb", """
        components { name: "hi" script: "hi.js" }
        grants { component: "hi" host: LOG }
        """);
    Appendable broken = new Appendable() {
      @Override
      public Appendable append(CharSequence s) throws IOException {
        throw new IOException("disk full");
      }

      @Override
      public Appendable append(CharSequence s, int start, int end) throws IOException {
        throw new IOException("disk full");
      }

      @Override
      public Appendable append(char c) throws IOException {
        throw new IOException("disk full");
      }
    };
    try (Host h = Host.launch(new Host.Context().manifest(m).log(log::add).events(events::add).jsonEvents(broken))) {
      assertTrue(finish(h).get("hi").success());
    }
    assertEquals(List.of("[hi] hi"), log);
    assertTrue(events.stream().anyMatch(e -> e.kind() == HostEvent.Kind.EXITED), events.toString());
  }

  private static String jsString(String s) {
    return "'" + s.replace("\\", "\\\\").replace("'", "\\'").replace("\n", "\\n") + "'";
  }
}
