package b8g.components;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import b8g.components.Component.ExitStatus;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;

/**
 * Runs conformance scripts for the web APIs of the prelude (URL, streams, Blob, compression) in a
 * real component. A script is a test resource under {@code web/} that calls {@code check(name,
 * got, want)} (compared as JSON) and {@code await rejects(name, promiseOrFn, errorName)}, then
 * {@code done()}; each failed check logs a line, and {@code done()} logs "ok N". A script that
 * throws or never reaches {@code done()} fails the test.
 */
abstract class WebApiFixture extends ComponentFixture {
  private static final String HARNESS = """
      const __failures = []; let __passed = 0;
      function __show(v) {
        if (v instanceof Uint8Array) return 'Uint8Array[' + Array.from(v).join(',') + ']';
        try { return JSON.stringify(v); } catch (e) { return String(v); }
      }
      function check(name, got, want) {
        if (__show(got) === __show(want)) __passed++;
        else __failures.push(name + ': got ' + __show(got) + ', want ' + __show(want));
      }
      async function rejects(name, p, errorName) {
        try { await (typeof p === 'function' ? p() : p); __failures.push(name + ': did not throw'); }
        catch (e) { check(name, e && e.name, errorName); }
      }
      function throws(name, fn, errorName) {
        try { fn(); __failures.push(name + ': did not throw'); } catch (e) { check(name, e && e.name, errorName); }
      }
      function done() {
        for (const f of __failures) console.log('FAIL ' + f);
        console.log('ok ' + __passed);
      }
      """;

  static String resource(String name) {
    try (InputStream in = WebApiFixture.class.getResourceAsStream("/b8g/components/web/" + name)) {
      assertNotNull(in, "no test resource web/" + name);
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Runs {@code prefix} + the harness + the script and asserts every check passed; returns the count. */
  protected int conform(String name, String prefix, String script, Component.Context ctx) throws InterruptedException {
    log.clear();
    Component c = start(ctx.name(name).script(prefix + HARNESS + script, name + ".js"));
    ExitStatus s = c.awaitExit(Duration.ofSeconds(60));
    assertNotNull(s, name + " did not end; log " + log);
    List<String> lines = List.copyOf(log);
    List<String> failures = lines.stream().filter(l -> l.startsWith(name + ":FAIL")).toList();
    assertEquals(List.of(), failures, name + " failed checks");
    assertTrue(s.success(), name + " ended with " + s + "; log " + lines);
    String last = lines.isEmpty() ? "" : lines.get(lines.size() - 1);
    assertTrue(last.startsWith(name + ":ok "), name + " did not reach done(); log " + lines);
    return Integer.parseInt(last.substring((name + ":ok ").length()));
  }

  protected int conform(String name, String resourceName) throws InterruptedException {
    return conform(name, "", resource(resourceName), new Component.Context());
  }
}
