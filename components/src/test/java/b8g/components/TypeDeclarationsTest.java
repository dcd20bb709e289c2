package b8g.components;

import static org.junit.jupiter.api.Assertions.*;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * b8g.d.ts keeps up with the prelude: every global a component has beyond ECMAScript and V8's own
 * is declared there, so a global added to the prelude without its type fails here. (That the
 * declarations type-check, and what tsc makes of them, is the cli module's TypesCommandTest.)
 */
class TypeDeclarationsTest extends ComponentFixture {
  /** ECMAScript's globals up to what V8 14.7 ships, and V8's own (WebAssembly, its console). */
  static final Set<String> ENGINE = Set.of(
      "globalThis", "Infinity", "NaN", "undefined", "eval", "isFinite", "isNaN", "parseFloat", "parseInt",
      "decodeURI", "decodeURIComponent", "encodeURI", "encodeURIComponent", "escape", "unescape",
      "AggregateError", "Array", "ArrayBuffer", "Atomics", "BigInt", "BigInt64Array", "BigUint64Array", "Boolean",
      "DataView", "Date", "Error", "EvalError", "FinalizationRegistry", "Float16Array", "Float32Array", "Float64Array",
      "Function", "Int8Array", "Int16Array", "Int32Array", "Intl", "Iterator", "JSON", "Map", "Math", "Number",
      "Object", "Promise", "Proxy", "RangeError", "ReferenceError", "Reflect", "RegExp", "Set", "SharedArrayBuffer",
      "String", "Symbol", "SyntaxError", "TypeError", "Uint8Array", "Uint8ClampedArray", "Uint16Array", "Uint32Array",
      "URIError", "WeakMap", "WeakRef", "WeakSet", "SuppressedError", "DisposableStack", "AsyncDisposableStack",
      "Temporal", "WebAssembly", "console");

  static String declarations() throws IOException {
    try (InputStream in = TypeDeclarationsTest.class.getResourceAsStream("/b8g/components/b8g.d.ts")) {
      assertNotNull(in, "b8g/components/b8g.d.ts is missing from the resources");
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }

  @Test
  void everyGlobalOfThePreludeIsDeclared() throws Exception {
    Component c = start(new Component.Context().name("probe").script("""
        async function main(env) {
          console.log(Object.getOwnPropertyNames(globalThis).filter((n) => n !== 'main').join(' '));
        }""", "probe.js"));
    assertNotNull(c.awaitExit(Duration.ofSeconds(60)), "probe did not end");
    assertEquals(1, log.size(), log.toString());
    List<String> names = List.of(log.get(0).substring("probe:".length()).split(" "));
    // The probe sees the prelude's globals (and not its internals).
    assertTrue(names.containsAll(List.of("TextEncoder", "TextDecoder", "setTimeout", "clearTimeout", "CapabilityError")), names.toString());
    String dts = declarations();
    List<String> undeclared = new ArrayList<>();
    for (String name : names) {
      boolean declared = Pattern.compile("(?m)^declare (var|function|class|namespace) " + Pattern.quote(name) + "\\b").matcher(dts).find();
      if (!ENGINE.contains(name) && !declared) {
        undeclared.add(name);
      }
    }
    assertEquals(List.of(), undeclared, "globals of a component that b8g.d.ts does not declare");
  }
}
