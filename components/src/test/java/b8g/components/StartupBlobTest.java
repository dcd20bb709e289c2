package b8g.components;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Components start from one startup blob (Engine.startupBlob): what the prelude set up at
 * evaluation is shared by all of them, so whatever must differ per component is checked here.
 */
class StartupBlobTest extends ComponentFixture {
  private static final Duration T = Duration.ofSeconds(30);

  private List<String> run(String name, String script) throws InterruptedException {
    Component c = start(new Component.Context().name(name).script(script, name + ".js"));
    Component.ExitStatus s = c.awaitExit(T);
    assertNotNull(s, name + " did not end");
    assertTrue(s.success(), name + ": " + s);
    List<String> lines = new ArrayList<>();
    synchronized (log) {
      for (String line : log) {
        if (line.startsWith(name + ":")) {
          lines.add(line.substring(name.length() + 1));
        }
      }
    }
    return lines;
  }

  @Test
  void thereIsABlobThatFitsThisProcess() {
    byte[] blob = Engine.startupBlob();
    assertNotNull(blob, "no startup blob: components evaluate the prelude instead");
    // Made here or read from the file an earlier process kept (whose read-only part differs by its hash seed).
    assertNull(Engine.blobMismatch(blob));
  }

  @Test
  void aKeptBlobIsUsedOnlyWhenItsKeyDigestAndHeaderCheckOut(@org.junit.jupiter.api.io.TempDir Path dir) throws Exception {
    byte[] blob = Engine.startupBlob();
    assertNotNull(blob);
    byte[] key = Engine.StartupBlob.key();
    Path file = dir.resolve("startup.blob");
    Engine.StartupBlob.write(file, key, blob);
    assertTrue(java.util.Arrays.equals(blob, Engine.StartupBlob.read(file, key)), "the file as written");
    byte[] otherKey = key.clone();
    otherKey[0] ^= 1;
    assertNull(Engine.StartupBlob.read(file, otherKey), "another key (another boot script, V8 or flags)");
    byte[] bytes = Files.readAllBytes(file);
    for (int at : new int[] {40, 64 + 20, bytes.length - 1}) {
      byte[] flipped = bytes.clone();
      flipped[at] ^= 0x10;
      Files.write(file, flipped);
      assertNull(Engine.StartupBlob.read(file, key), "a byte flipped at " + at);
    }
    Files.write(file, java.util.Arrays.copyOf(bytes, bytes.length / 2));
    assertNull(Engine.StartupBlob.read(file, key), "a truncated file");
    Files.write(file, new byte[0]);
    assertNull(Engine.StartupBlob.read(file, key), "an empty file");
  }

  @Test
  void theGlobalIsAnEventTargetWithTheGlobalsThePreludeDefined() throws Exception {
    assertEquals(List.of("true true function function undefined"), run("global", """
        function main(env) {
          console.log(globalThis instanceof EventTarget, self === globalThis, typeof addEventListener, typeof URL, typeof __b8g);
        }"""));
  }

  @Test
  void componentsFromOneBlobDrawTheirOwnRandomNumbers() throws Exception {
    String script = """
        function main(env) {
          const r = [Math.random(), Math.random(), Math.random()];
          const b = crypto.getRandomValues(new Uint8Array(16));
          console.log(r.join(','), Array.from(b).join(','), crypto.randomUUID());
        }""";
    List<String> seen = new ArrayList<>();
    for (int pool : new int[] {0, 2}) {
      Component.pool(pool);
      for (int i = 0; i < 3; i++) {
        List<String> out = run("rnd" + pool + i, script);
        assertEquals(1, out.size(), out.toString());
        seen.add(out.get(0));
      }
    }
    Component.pool(2);
    for (int i = 0; i < seen.size(); i++) {
      String[] a = seen.get(i).split(" ");
      for (int k = 0; k < i; k++) {
        String[] b = seen.get(k).split(" ");
        for (int f = 0; f < 3; f++) {
          assertNotEquals(b[f], a[f], "components " + k + " and " + i + " drew the same " + List.of("Math.random", "getRandomValues", "randomUUID").get(f));
        }
      }
    }
  }

  @Test
  void aComponentFromTheBlobHasTheBudgetedWebAssemblyAndNoSharedArrayBuffer() throws Exception {
    String script = """
        function main(env) {
          let shared;
          try { new WebAssembly.Memory({ initial: 1, maximum: 1, shared: true }); shared = 'made'; } catch (e) { shared = e.message; }
          const m = new WebAssembly.Memory({ initial: 1 });
          console.log(typeof SharedArrayBuffer, typeof WebAssembly.promising, shared);
          console.log(m.buffer.byteLength, structuredClone(new Float16Array([1.5]))[0]);
        }""";
    List<String> out = run("wasm", script);
    assertEquals(List.of("undefined undefined shared WebAssembly memory is not available to a component (it has no SharedArrayBuffer);"
        + " share memory through a region", "65536 1.5"), out);
  }
}
