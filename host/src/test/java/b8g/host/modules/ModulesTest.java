package b8g.host.modules;

import static org.junit.jupiter.api.Assertions.*;

import b8g.components.Component.ExitStatus;
import b8g.host.Host;
import b8g.host.HostFixture;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Components made of modules: require as Node's, ES modules and TypeScript, a frozen map, confinement. */
class ModulesTest extends HostFixture {
  private Map<String, ExitStatus> run(String script) throws Exception {
    Path m = write("app.txtpb", "components { name: \"app\" script: \"" + script + "\" }\ngrants { component: \"app\" host: LOG }\n");
    try (Host h = launch(m)) {
      return finish(h);
    }
  }

  private void runOk(String script) throws Exception {
    ExitStatus s = run(script).get("app");
    assertTrue(s.success(), s + " log " + log + " events " + events);
  }

  @Test
  void shouldResolveRequireAsNodeDoes() throws Exception {
    write("main.js", """
        const util = require('./lib/util');
        const data = require('./data.json');
        const pkg = require('pkg');
        const sub = require('pkg/feature');
        const dir = require('./lib');
        exports.main = async function (env) {
          console.log(util.twice(21), data.name, pkg.kind, sub, dir.index, __filename, __dirname, typeof module.exports);
        };
        """);
    write("lib/util.js", "module.exports = { twice: (x) => 2 * x };");
    write("lib/index.js", "exports.index = 'lib/index';");
    write("data.json", "{\"name\": \"json\"}");
    write("node_modules/pkg/package.json", """
        {"name": "pkg", "main": "./wrong.js", "exports": {".": {"node": "./node.js", "import": "./esm.mjs", "require": "./cjs.js"},
         "./feature": {"worker": "./worker.js", "browser": "./feature.js", "default": "./default.js"}}}""");
    write("node_modules/pkg/cjs.js", "exports.kind = 'require';");
    write("node_modules/pkg/esm.mjs", "export const kind = 'import';");
    write("node_modules/pkg/feature.js", "module.exports = 'feature';");
    runOk("main.js");
    assertEquals(List.of("[app] 42 json require feature lib/index main.js . object"), log);
  }

  @Test
  void shouldKeepAScriptWhoseModuleWordsAreOnlyInCommentsClassic() throws Exception {
    // A JSDoc type names import(...), as every example's does: still a classic script, which
    // loads no transpiler and sees no require.
    write("main.js", """
        // @ts-check
        /** @param {import('./env').AppEnv} env */
        async function main(env) { console.log('classic', typeof globalThis['req' + 'uire'], 'http://x/y'); } // not an export
        """);
    assertTrue(ModuleGraph.classic(dir.resolve("main.js"), Files.readString(dir.resolve("main.js"))));
    runOk("main.js");
    assertTrue(log.contains("[app] classic undefined http://x/y"), log.toString());
    assertFalse(ModuleGraph.classic(dir.resolve("m.js"), "/* a */ const x = require('./x'); // b"));
    assertFalse(ModuleGraph.classic(dir.resolve("m.js"), "const u = 'http://x'; module.exports = u;"));
  }

  @Test
  void shouldLetACycleSeeThePartialExportsAsNodeDoes() throws Exception {
    write("main.js", """
        const a = require('./a');
        function main(env) { console.log(a.done, a.sawB, require('./b').sawA); }
        """);
    write("a.js", "exports.done = false; const b = require('./b'); exports.sawB = b.done; exports.done = true;");
    write("b.js", "exports.done = false; const a = require('./a'); exports.sawA = a.done; exports.done = true;");
    runOk("main.js");
    assertEquals(List.of("[app] true true false"), log);
  }

  @Test
  void shouldRunEsModulesWithLiveBindingsAndInterop() throws Exception {
    write("main.mjs", """
        import { count, inc } from './counter.mjs';
        import * as ns from './counter.mjs';
        import legacy, { named } from './legacy.cjs';
        import def from './def.mjs';
        export { count as current } from './counter.mjs';
        export default async function main(env) {
          inc(); inc();
          const lazy = await import('./lazy.mjs');
          console.log(count, ns.count, legacy.named, named, def(), lazy.value, import.meta.url);
        }
        """);
    write("counter.mjs", "export let count = 0;\nexport function inc() { count++; }\n");
    write("legacy.cjs", "module.exports = { named: 'cjs' };");
    write("def.mjs", "export default function () { return 'default'; }");
    write("lazy.mjs", "export const value = 'lazy';");
    runOk("main.mjs");
    assertEquals(List.of("[app] 2 2 cjs cjs default lazy file:///main.mjs"), log);
  }

  @Test
  void shouldRunTypeScriptAndReportTheOriginalLine() throws Exception {
    write("app.ts", """
        import { greet } from './greet';
        interface Env { log: unknown }
        type Name = string;
        export async function main(env: Env): Promise<void> {
          const who: Name = 'ts';
          console.log(greet(who));
        }
        """);
    write("greet.ts", """
        export function greet(name: string): string {
          return `hello ${name}`;
        }
        """);
    runOk("app.ts");
    assertEquals(List.of("[app] hello ts"), log);

    log.clear();
    write("bad.ts", """
        type A = { a: number };
        interface B { b: string }
        
        
        export function main(env: unknown): void {
          const x: A = { a: 1 };
          console.log(new Error('logged').stack.split('\\n')[1].trim());
          throw new Error('boom ' + x.a);
        }
        """);
    ExitStatus s = run("bad.ts").get("app");
    assertFalse(s.success());
    assertTrue(s.reason().contains("boom 1") && s.reason().contains("bad.ts:8:"), s.reason());
    assertEquals(1, log.size(), log.toString());
    assertTrue(log.get(0).startsWith("[app] at main (bad.ts:7:"), log.toString());
  }

  @Test
  void shouldRefuseTopLevelAwait() throws Exception {
    write("tla.mjs", "const x = await Promise.resolve(1);\nexport function main() {}\n");
    Path m = write("app.txtpb", "components { name: \"app\" script: \"tla.mjs\" }\n");
    Exception e = assertThrows(Exception.class, () -> launch(m).close());
    assertTrue(e.getMessage().contains("tla.mjs:1: top-level await is not supported"), e.getMessage());
  }

  @Test
  void shouldRefuseAPathOutsideTheManifestsDirectory() throws Exception {
    Path outside = Files.createTempFile("outside", ".js");
    try {
      write("app/main.js", "require('" + outside + "'); function main() {}");
      Path m = write("app/app.txtpb", "components { name: \"app\" script: \"main.js\" }\n");
      Exception e = assertThrows(Exception.class, () -> launch(m).close());
      assertTrue(e.getMessage().contains("main.js: require('" + outside + "')") && e.getMessage().contains("outside the component's directory"), e.getMessage());

      Files.createDirectories(dir.resolve("app/node_modules"));
      Files.createSymbolicLink(dir.resolve("app/node_modules/linked.js"), outside);
      write("app/main.js", "require('./node_modules/linked.js'); function main() {}");
      e = assertThrows(Exception.class, () -> launch(m).close());
      assertTrue(e.getMessage().contains("main.js: require('./node_modules/linked.js') resolves to " + outside.toRealPath()), e.getMessage());
    } finally {
      Files.delete(outside);
    }
  }

  @Test
  void shouldFindNoNodeBuiltinsNoProcessAndNoJava() throws Exception {
    write("main.js", """
        function attempt(f) { try { return f(); } catch (e) { return e.code + ': ' + e.message; } }
        exports.main = function () {
          console.log(attempt(() => require('fs')));
          console.log(attempt(() => require('node:path')));
          console.log(attempt(() => require('./nowhere')));
          console.log(attempt(() => require('left-pad')));
          console.log(attempt(() => require('./' + 'computed')));
          console.log(typeof process, typeof globalThis.Java, typeof globalThis.require, typeof globalThis.module);
        };
        """);
    runOk("main.js");
    assertEquals(List.of(
        "[app] MODULE_NOT_FOUND: Cannot find module 'fs' required by main.js: b8g has no Node built-ins (fs, path, process, ...); a component reaches the world only through its env",
        "[app] MODULE_NOT_FOUND: Cannot find module 'node:path' required by main.js: b8g has no Node built-ins (fs, path, process, ...); a component reaches the world only through its env",
        "[app] MODULE_NOT_FOUND: Cannot find module './nowhere' required by main.js: no such file or package in the component's directory",
        "[app] MODULE_NOT_FOUND: Cannot find module 'left-pad' required by main.js: no such file or package in the component's directory"
            + " (an npm package: is it in package.json, and was `npm ci` or `npm install` run next to it?)",
        "[app] MODULE_NOT_FOUND: Cannot find module './computed' required by main.js: not in this component's module map: b8g loads only modules found at start (require and import of literal strings); name it with a literal string so the host finds it",
        "[app] undefined undefined undefined undefined"), log);
  }

  @Test
  void shouldKeepRequireWorkingWhenUserCodePatchesBuiltIns() throws Exception {
    write("main.js", """
        Object.defineProperty(Object.prototype, 'exports', { set() { throw new Error('setter ran'); }, configurable: true });
        Object.defineProperty(Object.prototype, 'module', { set() { throw new Error('setter ran'); }, configurable: true });
        Array.prototype.push = () => { throw new Error('push ran'); };
        Map.prototype.get = () => { throw new Error('get ran'); };
        Map.prototype.has = () => { throw new Error('has ran'); };
        Reflect.apply = () => { throw new Error('apply ran'); };
        Object.defineProperty = () => { throw new Error('defineProperty ran'); };
        Function.prototype.call = () => { throw new Error('call ran'); };
        String.prototype.slice = () => { throw new Error('slice ran'); };
        const late = './' + 'late';
        exports.main = async function () {
          const m = await import('./esm.mjs');
          console.log(require('./dep').value, require(late).late, m.x, m.default);
        };
        """);
    write("dep.js", "require('./late'); module.exports = { value: 'dep' };");
    write("late.js", "exports.late = 'late';");
    write("esm.mjs", "export const x = 1; export default 'd';");
    runOk("main.js");
    assertEquals(List.of("[app] dep late 1 d"), log);
  }

  @Test
  void shouldLoadModulesInAWorkerProcess() throws Exception {
    write("main.ts", """
        import { twice } from './lib.mjs';
        const data = require('./data.json');
        export function main(env: unknown): void {
          console.log('in a worker', twice(data.n));
          throw new Error('at line 5');
        }
        """);
    write("lib.mjs", "export const twice = (x) => 2 * x;");
    write("data.json", "{\"n\": 21}");
    Path m = write("app.txtpb", "components { name: \"app\" script: \"main.ts\" isolation: PROCESS }\n"
        + "grants { component: \"app\" host: LOG }\n");
    ExitStatus s;
    try (Host h = launch(m)) {
      s = finish(h).get("app");
    }
    assertEquals(List.of("[app] in a worker 42"), log);
    assertTrue(s.reason().contains("at line 5") && s.reason().contains("main.ts:5:"), s.toString());
  }

  @Test
  void shouldCapTheGraphAndSayWhichLimit() throws Exception {
    write("main.js", "require('./a'); require('./b'); exports.main = () => {};");
    write("a.js", "exports.a = 1;");
    write("b.js", "exports.b = '" + "x".repeat(100) + "';");
    assertEquals(3, ModuleGraph.read(dir, dir.resolve("main.js"), "app.txtpb:1: ", null, 3, 1000).size());
    var e = assertThrows(b8g.components.ComponentException.class,
        () -> ModuleGraph.read(dir, dir.resolve("main.js"), "app.txtpb:1: ", null, 2, 1000));
    assertEquals("component.script", e.code());
    assertTrue(e.getMessage().startsWith("app.txtpb:1: the module graph of main.js is too large: more than 2 files or 1000 bytes of source (at "),
        e.getMessage());
    e = assertThrows(b8g.components.ComponentException.class,
        () -> ModuleGraph.read(dir, dir.resolve("main.js"), "app.txtpb:1: ", null, 10, 100));
    assertTrue(e.getMessage().contains("more than 10 files or 100 bytes of source"), e.getMessage());
  }

  @Test
  void shouldRestartWhenAModuleOfThePackageChangesUnderWatch() throws Exception {
    write("main.mjs", "import { version } from './lib/version.mjs';\n"
        + "export async function main(env) { console.log(version); if (version === 'v1') await new Promise(r => setTimeout(r, 60000)); }\n");
    Path lib = write("lib/version.mjs", "export const version = 'v1';\n");
    Path m = write("app.txtpb", "components { name: \"app\" script: \"main.mjs\" }\ngrants { component: \"app\" host: LOG }\n");
    try (Host h = Host.launch(new Host.Context().manifest(m).log(log::add).events(events::add).restartOnScriptChange(true))) {
      long deadline = System.nanoTime() + java.time.Duration.ofSeconds(20).toNanos();
      while (log.isEmpty() && System.nanoTime() < deadline) {
        Thread.sleep(10);
      }
      Files.writeString(lib, "export const version = 'v2';\n");
      while (!log.contains("[app] v2") && System.nanoTime() < deadline) {
        Thread.sleep(10);
      }
      // A restart may also see the file half written (as for a script), before the last one.
      assertEquals("[app] v1", log.get(0), log.toString());
      assertEquals("[app] v2", log.get(log.size() - 1), log.toString());
      assertTrue(finish(h).get("app").success());
    }
  }

  private Exception refused(String script) throws Exception {
    Path m = write("app.txtpb", "components { name: \"app\" script: \"" + script + "\" }\n");
    return assertThrows(Exception.class, () -> launch(m).close(), script);
  }

  @Test
  void shouldRefuseDeepNestingBeforeParsingAndStayAlive() throws Exception {
    // swc overflows its native stack on this (swc issue 12024), which would abort the host's JVM.
    write("deep.js", "module.exports =\n" + "(".repeat(5000) + "0" + ")".repeat(5000) + ";\nfunction main() {}\n");
    Exception e = refused("deep.js");
    assertTrue(e.getMessage().contains("deep.js:2: code nests deeper than 256"), e.getMessage());
    // Closers in strings, comments and regular expressions do not hide the nesting.
    write("hidden.ts", "let x: number =\n" + "([ ')]}', /* )]} */ /[)\\]]/, `)]}${".repeat(100) + "0" + "}`])".repeat(100) + ";\n");
    e = refused("hidden.ts");
    assertTrue(e.getMessage().contains("hidden.ts:2: code nests deeper than 256"), e.getMessage());
    // Nesting without brackets: prefix operators, conditionals, statements, TypeScript's type arguments.
    for (String[] c : new String[][] {{"unary.js", "module.exports =\n" + "!".repeat(20000) + "0;"}, {"cond.js", "module.exports =\n" + "x ? x :\n".repeat(2000) + "0;"},
        {"ifs.js", "exports.x = 1;\nif (x)\n" + "if (x) ".repeat(5000) + "f();"}, {"assign.js", "exports.x = 1;\na =\n" + "a = -".repeat(5000) + "0;"}, {"types.ts", "let x:\n" + "A<".repeat(5000) + "0"}}) {
      write(c[0], c[1]);
      e = refused(c[0]);
      assertTrue(e.getMessage().contains(c[0] + ":") && e.getMessage().contains(": code nests deeper than 256"), e.getMessage());
    }
    write("ok.js", "module.exports = " + "[".repeat(200) + "0" + "]".repeat(200) + ";\nfunction main(env) { console.log('alive'); }\n");
    runOk("ok.js");
    assertEquals(List.of("[app] alive"), log);
  }

  @Test
  void shouldRefuseAnOversizedModule() throws Exception {
    write("main.js", "require('./big'); function main() {}");
    write("big.js", "exports.s = '" + "x".repeat(SourceLimits.MAX_CHARS) + "';");
    Exception e = refused("main.js");
    assertTrue(e.getMessage().contains("big.js: " + (SourceLimits.MAX_CHARS + 15) + " characters, more than the " + SourceLimits.MAX_CHARS),
        e.getMessage());
  }

  @Test
  void shouldRefuseImportsThatNameImports() throws Exception {
    write("package.json", "{\"imports\": {\"#a\": \"#a\", \"#b\": \"../up.js\", \"#c\": \"dep\"}}");
    write("node_modules/dep/index.js", "module.exports = 'dep';");
    write("a.js", "require('#a'); function main() {}");
    Exception e = refused("a.js");
    assertTrue(e.getMessage().contains("a.js: require('#a'): invalid imports target '#a'"), e.getMessage());
    write("b.js", "require('#b'); function main() {}");
    e = refused("b.js");
    assertTrue(e.getMessage().contains("b.js: require('#b'): invalid imports target '../up.js'"), e.getMessage());
    write("c.js", "function main() { console.log(require('#c')); }");
    runOk("c.js");
    assertEquals(List.of("[app] dep"), log);
  }

  @Test
  void shouldRefuseEscapesBeforeReadingAnythingOutside() throws Exception {
    // Outside the component: a package whose main names a marker, and a file.
    write("outside/package.json", "{\"main\": \"MARKER.js\"}");
    write("outside/MARKER.js", "module.exports = 'leaked';");
    write("app/node_modules/pkg/package.json", "{\"exports\": {\"./up\": \"./../../../outside/MARKER.js\", \"./p/*\": \"./lib/*.js\"}}");
    write("app/node_modules/plain/package.json", "{\"main\": \"../../../outside\"}");
    write("app/node_modules/@s/x.js", "");
    Path root = dir.resolve("app").toRealPath();
    Path from = write("app/main.js", "");
    for (String[] c : new String[][] {
        {"plain/../../../outside", "invalid subpath '../../../outside'"},
        {"@s/..", "invalid package name '@s/..'"},
        {"..", "outside the component's directory"},
        {"pkg/up", "invalid exports or imports target './../../../outside/MARKER.js'"},
        {"pkg/p/../../../../outside/x", "invalid subpath"},
        {"plain", "outside the component's directory"}}) {
      ModuleResolver r = new ModuleResolver(root);
      var e = assertThrows(b8g.components.ComponentException.class, () -> r.resolve(c[0], from.toRealPath(), "main.js", ModuleResolver.Mode.REQUIRE), c[0]);
      assertTrue(e.getMessage().startsWith("main.js: require('" + c[0] + "')") && e.getMessage().contains(c[1]), e.getMessage());
      assertFalse(e.getMessage().contains("MARKER.js") && !c[0].equals("pkg/up"), e.getMessage());
      r.packageFiles().forEach(p -> assertTrue(p.startsWith(root), c[0] + " read " + p));
    }
  }
}
