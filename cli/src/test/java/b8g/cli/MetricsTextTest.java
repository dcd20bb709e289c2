package b8g.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import b8g.memory.counters.CounterType;
import b8g.memory.counters.CountersReader;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The scrape's text: label values escaped, counters named as each format wants, promtool content. */
class MetricsTextTest {
  @Test
  void labelValuesAreEscapedAndPromtoolAcceptsTheText() throws Exception {
    long[] v = new long[16];
    v[0] = 5;
    v[1] = 1_500_000_000L;
    List<CountersReader.Record> rs = List.of(
        new CountersReader.Record(0, CounterType.COMPONENT, "a\"b\\c\nd", "", v),
        new CountersReader.Record(1, CounterType.CHANNEL, "plain", "", new long[16]));
    String text = MetricsText.render(rs, false);
    assertTrue(text.contains("b8g_component_turns_total{component=\"a\\\"b\\\\c\\nd\"} 5\n"), text);
    assertTrue(text.contains("b8g_component_cpu_seconds_total{component=\"a\\\"b\\\\c\\nd\"} 1.500000000\n"), text);
    assertTrue(text.contains("# TYPE b8g_component_turns_total counter\n"), text);
    Process promtool = new ProcessBuilder("promtool", "check", "metrics").redirectErrorStream(true).start();
    promtool.getOutputStream().write(text.getBytes(StandardCharsets.UTF_8));
    promtool.getOutputStream().close();
    String lint = new String(promtool.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(promtool.waitFor(60, TimeUnit.SECONDS));
    assertEquals(0, promtool.exitValue(), "promtool check metrics: " + lint + "\n" + text);

    String om = MetricsText.render(rs, true);
    assertTrue(om.contains("# TYPE b8g_component_turns counter\nb8g_component_turns_total{"), om);
    assertTrue(om.endsWith("# EOF\n"), om);
  }
}
