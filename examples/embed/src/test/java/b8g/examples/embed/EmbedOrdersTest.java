package b8g.examples.embed;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import b8g.components.Component.ExitStatus;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/** The example runs as its README says and prints what expected.txt holds (in order per plugin). */
class EmbedOrdersTest {
  @Test
  void shouldHostThePluginsAndServeThemOrders() throws Exception {
    List<String> lines = Collections.synchronizedList(new ArrayList<>());
    Map<String, ExitStatus> done = EmbedOrders.run(Path.of("plugins/embed.txtpb"), lines::add);
    assertNotNull(done, "the plugins did not finish; output: " + lines);
    done.forEach((name, s) -> assertTrue(s.success(), name + " " + s + " " + lines));
    assertEquals(byPlugin(Files.readAllLines(Path.of("expected.txt"))), byPlugin(lines));
  }

  private static Map<String, List<String>> byPlugin(List<String> lines) {
    Map<String, List<String>> out = new TreeMap<>();
    for (String l : lines) {
      out.computeIfAbsent(l.substring(0, l.indexOf(']') + 1), k -> new ArrayList<>()).add(l);
    }
    return out;
  }
}
