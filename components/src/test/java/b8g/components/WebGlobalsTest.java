package b8g.components;

import static org.junit.jupiter.api.Assertions.*;

import b8g.components.Component.ExitStatus;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The WinterTC globals the prelude adds (events.js, web-misc.js, clone.js), checked against what
 * DOM, HTML and WebIDL state: each script logs what it saw and the lines are compared.
 */
class WebGlobalsTest extends ComponentFixture {
  private ExitStatus run(String name, String script) throws InterruptedException {
    Component c = start(new Component.Context().name(name).script(script, name + ".js"));
    ExitStatus s = c.awaitExit(Duration.ofSeconds(30));
    assertNotNull(s, "did not end");
    return s;
  }

  private List<String> lines(String name, String script) throws InterruptedException {
    ExitStatus s = run(name, script);
    assertTrue(s.success(), s + " " + log);
    return log.stream().map(l -> l.substring(name.length() + 1)).toList();
  }

  @Test
  void shouldBoot() throws Exception {
    assertEquals(List.of("object function function"), lines("boot", """
        function main() { console.log(typeof crypto, typeof structuredClone, typeof AbortController); }"""));
  }
}
