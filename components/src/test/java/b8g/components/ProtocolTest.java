package b8g.components;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.lang.reflect.Field;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The host and the prelude speak one protocol, defined once in {@link Protocol}: the prelude
 * uses no code, kind or mark of its own, and neither side has a code the other lacks.
 */
class ProtocolTest {
  private static final Pattern NAME = Pattern.compile("\\b(?:TO_HOST|TO_GUEST|MEMORY|KIND|RIGHT|RECORD|ERROR|OPEN|VALUE|SERVICE)_[A-Z_]+\\b");

  private static String prelude() {
    StringBuilder b = new StringBuilder();
    for (String f : Engine.PRELUDE) {
      b.append(Engine.resource(Engine.PRELUDE_DIR + f)).append('\n');
    }
    return b.toString();
  }

  /** The Java sources of this module but Protocol.java itself. */
  private static String javaSide() throws IOException {
    StringBuilder b = new StringBuilder();
    try (Stream<Path> files = Files.walk(Path.of("src/main/java/b8g/components"))) {
      for (Path p : (Iterable<Path>) files.filter(p -> p.toString().endsWith(".java") && !p.endsWith("Protocol.java"))::iterator) {
        b.append(Files.readString(p)).append('\n');
      }
    }
    return b.toString();
  }

  private static Set<String> names(String text) {
    Set<String> out = new TreeSet<>();
    Matcher m = NAME.matcher(text);
    while (m.find()) {
      out.add(m.group());
    }
    return out;
  }

  private static Set<String> defined() {
    Set<String> out = new TreeSet<>();
    for (Field f : Protocol.constants()) {
      out.add(f.getName());
    }
    return out;
  }

  @Test
  void thePreludeUsesOnlyNamesTheProtocolDefines() {
    Set<String> unknown = names(prelude());
    unknown.removeAll(defined());
    assertEquals(Set.of(), unknown, "names the prelude uses that Protocol.java does not define");
  }

  @Test
  void thePreludeDeclaresNoneOfThemItself() {
    Matcher m = Pattern.compile("\\b(?:const|let|var)\\s+(" + NAME.pattern() + ")\\s*=").matcher(prelude());
    List<String> own = new ArrayList<>();
    while (m.find()) {
      own.add(m.group(1));
    }
    assertEquals(List.of(), own, "the prelude must take these from the protocol, not declare them");
  }

  @Test
  void everyCodeIsUsedByBothSides() throws IOException {
    Set<String> prelude = names(prelude());
    Set<String> java = names(javaSide());
    List<String> missing = new ArrayList<>();
    for (String name : defined()) {
      boolean code = name.startsWith("TO_HOST_") || name.startsWith("TO_GUEST_") || name.startsWith("MEMORY_");
      if (!prelude.contains(name)) {
        missing.add(name + " (unused by the prelude)");
      }
      if (code && !java.contains(name)) {
        missing.add(name + " (unused by the host)");
      }
    }
    assertEquals(List.of(), missing, "a code one side lacks");
  }

  @Test
  void thePreludeUsesNoNumberAsACode() {
    String text = prelude();
    Matcher call = Pattern.compile("\\bcall\\(\\s*\\d").matcher(text);
    assertTrue(!call.find(), "a host call with a numeric code");
    Matcher cases = Pattern.compile("\\bcase\\s+\\d+\\s*:").matcher(text);
    assertTrue(!cases.find(), "an entry handler keyed by a number");
    assertTrue(!text.contains("'\\0'") && !text.contains("\"\\0\""), "an error mark typed by hand");
    Matcher kinds = Pattern.compile("(?:kind\\s*(?:===|!==|:)\\s*|\\bcase\\s+)'(?:region|reader|writer|run|watch|log|snapshot|value|child)'").matcher(text);
    assertTrue(!kinds.find(), "a capability kind typed by hand: " + (kinds.find(0) ? text.substring(kinds.start(), Math.min(text.length(), kinds.start() + 40)) : ""));
  }

  @Test
  void codesAreDistinctInEachDirection() throws IllegalAccessException {
    Map<String, String> seen = new HashMap<>();
    for (Field f : Protocol.constants()) {
      String prefix = f.getName().startsWith("TO_HOST_") ? "TO_HOST_" : f.getName().startsWith("TO_GUEST_") ? "TO_GUEST_"
          : f.getName().startsWith("MEMORY_") ? "MEMORY_" : f.getName().startsWith("KIND_") ? "KIND_" : null;
      if (prefix != null) {
        String previous = seen.put(prefix + f.get(null), f.getName());
        assertTrue(previous == null, f.getName() + " has the value of " + previous);
      }
    }
  }

  @Test
  void theBootScriptCarriesTheTable() throws IllegalAccessException {
    String boot = Engine.bootScript();
    for (Field f : Protocol.constants()) {
      assertTrue(boot.contains("const " + f.getName() + " = "), f.getName() + " is not declared in the boot script");
    }
    assertTrue(Protocol.jsDeclarations().contains("const ERROR_MARK = '\\u0000';"));
  }

  @Test
  void fieldsRoundTripAndRejectBadLengths() {
    StringBuilder b = new StringBuilder();
    Protocol.record(b, "na:me", Protocol.KIND_REGION, 3, Protocol.RIGHT_READ, 4096, "");
    assertEquals(List.of("na:me", "region", "3", "1", "4096", ""), Protocol.Fields.split(b.toString(), "records"));
    for (String bad : new String[] {"5:abc", "x:abc", "-1:", "3abc", "2:ab9"}) {
      ComponentException e = org.junit.jupiter.api.Assertions.assertThrows(ComponentException.class, () -> Protocol.Fields.split(bad, "grant values"));
      assertEquals("type", e.code());
      assertEquals("malformed grant values", e.getMessage());
    }
  }
}
