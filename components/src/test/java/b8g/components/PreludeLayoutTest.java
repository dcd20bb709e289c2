package b8g.components;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.caoccao.javet.interop.V8Runtime;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** The prelude is the files Engine.PRELUDE names, each of one role said on its first line. */
class PreludeLayoutTest {
  private static final Path DIR = Path.of("src/main/resources" + Engine.PRELUDE_DIR);

  @Test
  void engineJoinsEveryFileOfTheFolderOnce() throws IOException {
    Set<String> onDisk = new TreeSet<>();
    try (Stream<Path> files = Files.list(DIR)) {
      files.forEach(p -> onDisk.add(p.getFileName().toString()));
    }
    assertEquals(onDisk, new TreeSet<>(Engine.PRELUDE), "files in " + DIR + " against Engine.PRELUDE");
    assertEquals(Engine.PRELUDE.size(), Set.copyOf(Engine.PRELUDE).size(), "a file named twice in Engine.PRELUDE");
    assertEquals("primordials.js", Engine.PRELUDE.get(0), "the others use what primordials.js captures");
    assertEquals("entry.js", Engine.PRELUDE.get(Engine.PRELUDE.size() - 1), "the entry point comes last");
  }

  @Test
  void noTwoFilesDeclareTheSameTopLevelFunction() {
    // One classic script: a later `function f` silently replaces an earlier one of another file.
    java.util.Map<String, String> declaredIn = new java.util.HashMap<>();
    java.util.regex.Pattern decl = java.util.regex.Pattern.compile("^(?:async )?function\\*? ?([A-Za-z_$][\\w$]*)\\s*\\(");
    List<String> clashes = new java.util.ArrayList<>();
    for (String f : Engine.PRELUDE) {
      for (String line : Engine.resource(Engine.PRELUDE_DIR + f).lines().toList()) {
        java.util.regex.Matcher m = decl.matcher(line);
        if (m.find()) {
          String before = declaredIn.putIfAbsent(m.group(1), f);
          if (before != null) {
            clashes.add(m.group(1) + " in " + before + " and " + f);
          }
        }
      }
    }
    assertEquals(List.of(), clashes);
  }

  @Test
  void eachFileSaysItsRoleOnItsFirstLine() {
    for (String f : Engine.PRELUDE) {
      List<String> lines = Engine.resource(Engine.PRELUDE_DIR + f).lines().toList();
      assertTrue(!lines.isEmpty() && lines.get(0).startsWith("// b8g prelude: ") && lines.get(0).length() > 30,
          f + " does not start with a line saying its role: " + (lines.isEmpty() ? "(empty)" : lines.get(0)));
    }
  }

  @Test
  void theEntryRefusesAnUnknownOperationEvenWhenUserCodePatchesPrototypes() throws Exception {
    try (V8Runtime rt = Engine.newRuntime()) {
      rt.getExecutor(Engine.bootScript()).executeVoid();
      String out = rt.getExecutor("""
          const entry = __b8g;
          Object.prototype[99] = () => 'patched';
          Array.prototype[99] = () => 'patched';
          const seen = [];
          for (const op of [99, 0, -1, 'constructor', '__proto__']) {
            try { seen.push(String(entry(op))); } catch (e) { seen.push(e.constructor.name + ': ' + e.message); }
          }
          seen.join('|')""").executeString();
      assertEquals(String.join("|", java.util.Collections.nCopies(5, "TypeError: unknown host operation")), out);
    }
  }
}
