package b8g.registry;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Small units for tests. */
final class Fixtures {
  private Fixtures() {}

  static Unit unit(String name, String salt) {
    Map<String, byte[]> files = new LinkedHashMap<>();
    files.put("app.txtpb", ("name: \"" + name + "\"\ncomponent { name: \"main\" script: \"main.js\" }\n# " + salt + "\n").getBytes(StandardCharsets.UTF_8));
    files.put("main.js", ("async function main(env) { /* " + salt + " */ }\n").getBytes(StandardCharsets.UTF_8));
    files.put("lib/util.js", ("function util() { return '" + salt + "'; }\n").getBytes(StandardCharsets.UTF_8));
    return Unit.of(name, "app.txtpb", files);
  }

  static Registry open(Path home) {
    return Registry.open(new Registry.Context().home(home).chunkSize(0));
  }

  static void assertSameFiles(Unit expected, Unit actual) {
    org.junit.jupiter.api.Assertions.assertEquals(expected.manifestFileName(), actual.manifestFileName());
    org.junit.jupiter.api.Assertions.assertEquals(List.copyOf(expected.files().keySet()), List.copyOf(actual.files().keySet()));
    expected.files().forEach((k, v) -> org.junit.jupiter.api.Assertions.assertArrayEquals(v, actual.file(k), k));
  }
}
