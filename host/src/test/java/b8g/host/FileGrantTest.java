package b8g.host;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import b8g.components.Component.ExitStatus;
import b8g.errors.B8gException;
import b8g.host.manifest.LoadedManifest;
import b8g.host.manifest.ManifestException;
import b8g.host.manifest.ManifestLoader;
import b8g.host.manifest.schema.Isolation;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * File and directory grants: a file as a reader or writer end or a mapped region (in both tiers),
 * a directory whose files open at run time (in process), and every way to be refused: no grant,
 * narrower rights, a revoked grant, '..', symbolic links made after the manifest loaded, hostile
 * paths.
 */
class FileGrantTest extends HostFixture {
  private Map<String, ExitStatus> runAll(Path manifest, Isolation tier) throws Exception {
    try (Host h = launch(manifest, tier)) {
      Map<String, ExitStatus> done = finish(h);
      assertTrue(done.values().stream().allMatch(ExitStatus::success), done + " log " + log + " events " + events);
      return done;
    }
  }

  @BothTiers
  void shouldReadWriteAndAppendGrantedFiles(Isolation tier) throws Exception {
    write("data/in.txt", "hello, file\n");
    write("data/log.txt", "first\n");
    write("data/out.txt", "to be replaced entirely\n");
    write("c.js", """
        async function main(env) {
          let text = '';
          for await (const chunk of env.input) text += new TextDecoder().decode(chunk);
          console.log('read', JSON.stringify(text), env.input.ended);
          await env.output.write('written\\n');
          await env.output.close();
          await env.journal.write('second\\n');
          await env.journal.close();
          await env.fresh.write('new\\n');
          await env.fresh.close();
          console.log(typeof env.input.write, typeof env.output.read);
        }""");
    Path m = write("m.txtpb", """
        components { name: "c" script: "c.js" }
        grants { component: "c" file: "data/in.txt" rights: READ as: "input" }
        grants { component: "c" file: "data/out.txt" rights: WRITE as: "output" }
        grants { component: "c" file: "data/log.txt" rights: APPEND as: "journal" }
        grants { component: "c" file: "data/new.txt" rights: WRITE rights: CREATE as: "fresh" }
        grants { component: "c" host: LOG }
        """);
    runAll(m, tier);
    assertEquals(List.of("[c] read \"hello, file\\n\" true", "[c] undefined undefined"), log);
    assertEquals("written\n", Files.readString(dir.resolve("data/out.txt")));
    assertEquals("first\nsecond\n", Files.readString(dir.resolve("data/log.txt")));
    assertEquals("new\n", Files.readString(dir.resolve("data/new.txt")));
  }

  @Test
  void shouldMapAFileSharedWithWriteAndAsAPrivateCopyWithReadOnly() throws Exception {
    Isolation tier = Isolation.PROCESS; // a shared mapping is refused in process (manifest.map_shared)
    write("shared.bin", "abcd");
    write("private.bin", "wxyz");
    write("c.js", """
        function main(env) {
          const s = new Uint8Array(env.shared.buffer), p = new Uint8Array(env.copy.buffer);
          console.log(env.shared.size, env.copy.size, String.fromCharCode(...s), String.fromCharCode(...p));
          s[0] = 65; p[0] = 87; // both writable: JS never holds memory it may not write
          console.log(String.fromCharCode(...p));
        }""");
    Path m = write("m.txtpb", """
        components { name: "c" script: "c.js" isolation: PROCESS }
        grants { component: "c" file: "shared.bin" rights: READ rights: WRITE map: true as: "shared" }
        grants { component: "c" file: "private.bin" rights: READ map: true as: "copy" }
        grants { component: "c" host: LOG }
        """);
    runAll(m, tier);
    assertEquals(List.of("[c] 4 4 abcd wxyz", "[c] Wxyz"), log);
    assertEquals("Abcd", Files.readString(dir.resolve("shared.bin")), "a shared mapping writes the file");
    assertEquals("wxyz", Files.readString(dir.resolve("private.bin")), "a private copy never does");
  }

  @Test
  void shouldRefuseASharedMappingInTheHostsProcessOrBesideAGrantThatCouldTruncateIt() throws Exception {
    write("shared.bin", "abcd");
    write("box/inner.bin", "abcd");
    write("c.js", "function main(env) {}");
    String[][] cases = {
        // In the host's JVM a truncation would be a SIGBUS that kills the host.
        {"components { name: \"c\" script: \"c.js\" }\n"
            + "grants { component: \"c\" file: \"shared.bin\" rights: READ rights: WRITE map: true }\n", "m.txtpb:2:"},
        // A worker's own mapping, but another grant could truncate the file under it.
        {"components { name: \"c\" script: \"c.js\" isolation: PROCESS }\ncomponents { name: \"d\" script: \"c.js\" isolation: PROCESS }\n"
            + "grants { component: \"c\" file: \"shared.bin\" rights: READ rights: WRITE map: true }\n"
            + "grants { component: \"d\" file: \"shared.bin\" rights: WRITE as: \"w\" }\n", "m.txtpb:4:"},
        {"components { name: \"c\" script: \"c.js\" isolation: PROCESS }\ncomponents { name: \"d\" script: \"c.js\" }\n"
            + "grants { component: \"c\" file: \"box/inner.bin\" rights: READ rights: WRITE map: true }\n"
            + "grants { component: \"d\" file: \"box\" rights: READ rights: WRITE as: \"files\" }\n", "m.txtpb:4:"},
    };
    for (String[] c : cases) {
      Path m = write("m.txtpb", c[0]);
      ManifestException e = assertThrows(ManifestException.class, () -> ManifestLoader.load(m), c[0]);
      assertEquals("manifest.map_shared", e.code(), e.getMessage());
      assertTrue(e.getMessage().contains(c[1]), e.getMessage());
    }
    // Valid in a worker, refused again when the host forces every component into its own JVM.
    Path m = write("m.txtpb", "components { name: \"c\" script: \"c.js\" isolation: PROCESS }\n"
        + "grants { component: \"c\" file: \"shared.bin\" rights: READ rights: WRITE map: true }\n");
    ManifestException e = assertThrows(ManifestException.class, () -> launch(m, Isolation.IN_PROCESS).close());
    assertEquals("manifest.map_shared", e.code(), e.getMessage());
    assertTrue(e.getMessage().contains("SIGBUS"), e.getMessage());
  }

  @Test
  void shouldEndOnlyTheWorkerWhenItsSharedMappingIsTruncatedUnderIt() throws Exception {
    write("shared.bin", "x".repeat(1 << 16));
    write("c.js", """
        async function main(env) {
          const s = new Uint8Array(env.shared.buffer);
          console.log('mapped', s.length);
          for (let i = 0; ; i++) { s[(i * 4096) % s.length]++; await new Promise((r) => setTimeout(r, 5)); }
        }""");
    Path m = write("m.txtpb", """
        components { name: "c" script: "c.js" isolation: PROCESS }
        grants { component: "c" file: "shared.bin" rights: READ rights: WRITE map: true as: "shared" }
        grants { component: "c" host: LOG }
        """);
    try (Host h = launch(m)) {
      long until = System.nanoTime() + 30_000_000_000L;
      while (log.isEmpty() && System.nanoTime() < until) {
        Thread.sleep(20);
      }
      assertEquals(List.of("[c] mapped 65536"), log);
      try (var ch = java.nio.channels.FileChannel.open(dir.resolve("shared.bin"), java.nio.file.StandardOpenOption.WRITE)) {
        ch.truncate(0); // from outside the host: the worker's next touch faults
      }
      Map<String, ExitStatus> done = finish(h, java.time.Duration.ofSeconds(30));
      assertTrue(!done.get("c").success(), done + " events " + events);
    }
  }

  private static final String DIR_SCRIPT = """
      async function attempt(env, path, options) {
        try {
          const f = await env.files.open(path, options);
          if (f.reader) { let t = ''; for await (const c of f.reader) t += new TextDecoder().decode(c); return 'read ' + JSON.stringify(t); }
          await f.writer.write('x'); await f.writer.close(); return 'wrote';
        } catch (e) { return e.name + ' ' + (e.code || '') ; }
      }
      async function main(env) {
        for (const [p, o] of JSON.parse(env.cases)) console.log(JSON.stringify(p).slice(0, 40), await attempt(env, p, o));
      }""";

  private Path directoryManifest(String rights) throws Exception {
    write("c.js", DIR_SCRIPT);
    write("box/a.txt", "in the box");
    write("box/sub/b.txt", "deeper");
    write("outside.txt", "secret");
    return write("m.txtpb", """
        components { name: "c" script: "c.js" }
        grants { component: "c" file: "box" %s as: "files" }
        grants { component: "c" host: LOG }
        """.formatted(rights));
  }

  /** The script with its cases, [path, options] pairs, written into it as a JSON literal. */
  private Path withCases(Path manifest, String casesJson) throws Exception {
    write("c.js", DIR_SCRIPT.replace("JSON.parse(env.cases)", "JSON.parse(" + quote(casesJson) + ")"));
    return manifest;
  }

  private static String quote(String s) {
    return "'" + s.replace("\\", "\\\\").replace("'", "\\'").replace("\n", " ") + "'";
  }

  @Test
  void shouldOpenFilesBelowAGrantedDirectoryWithinItsRights() throws Exception {
    Path m = withCases(directoryManifest("rights: READ rights: WRITE rights: CREATE"), """
        [["a.txt", {"read": true}], ["sub/b.txt"], ["c.txt", {"write": true, "create": true}], ["c.txt", {"read": true}],
         ["a.txt", {"append": true}], ["a.txt", {"read": true}], ["a.txt", {"write": true, "createNew": true}]]""");
    runAll(m, Isolation.IN_PROCESS);
    assertEquals(List.of(
        "[c] \"a.txt\" read \"in the box\"",
        "[c] \"sub/b.txt\" read \"deeper\"",
        "[c] \"c.txt\" wrote",
        "[c] \"c.txt\" read \"x\"",
        "[c] \"a.txt\" wrote",
        "[c] \"a.txt\" read \"in the boxx\"",
        "[c] \"a.txt\" CapabilityError file.exists"), log);
    assertTrue(events.stream().anyMatch(e -> e.toString().contains("opened c.txt")), events.toString());
  }

  private void mkfifo(String name) throws Exception {
    Process p = new ProcessBuilder("mkfifo", dir.resolve(name).toString()).redirectErrorStream(true).start();
    assertEquals(0, p.waitFor(), new String(p.getInputStream().readAllBytes()));
  }

  @Test
  void shouldRefuseAFifoWithoutBlockingOnItsOpen() throws Exception {
    Path m = withCases(directoryManifest("rights: READ rights: WRITE"), """
        [["pipe", {"read": true}], ["pipe", {"write": true}], ["a.txt", {"read": true}]]""");
    mkfifo("box/pipe"); // no writer and no reader: an open() of it would block for ever
    runAll(m, Isolation.IN_PROCESS);
    assertEquals(List.of(
        "[c] \"pipe\" CapabilityError file.not_regular",
        "[c] \"pipe\" CapabilityError file.not_regular",
        "[c] \"a.txt\" read \"in the box\""), log);
    // A static grant of a FIFO seen as a private copy: refused at launch, not a host start that hangs.
    mkfifo("copy.pipe");
    write("d.js", "function main(env) {}");
    Path m2 = write("m2.txtpb", """
        components { name: "d" script: "d.js" }
        grants { component: "d" file: "copy.pipe" rights: READ map: true as: "copy" }
        """);
    B8gException e = assertThrows(B8gException.class, () -> launch(m2).close());
    assertEquals("file.not_regular", e.code(), e.getMessage());
  }

  @Test
  void shouldBoundTheOpensAComponentHasPending() throws Exception {
    write("c.js", """
        async function main(env) {
          const all = [];
          for (let i = 0; i < 40; i++) all.push(env.files.open('a.txt').then(() => 'ok', (e) => e.code));
          const codes = await Promise.all(all);
          console.log(codes.filter((c) => c === 'capability.limit').length > 0, codes.filter((c) => c === 'ok').length >= 16);
        }""");
    write("box/a.txt", "x");
    Path m = write("m.txtpb", """
        components { name: "c" script: "c.js" }
        grants { component: "c" file: "box" rights: READ as: "files" }
        grants { component: "c" host: LOG }
        """);
    runAll(m, Isolation.IN_PROCESS);
    assertEquals(List.of("[c] true true"), log);
  }

  @Test
  void shouldRefuseWhatTheDirectoryRightsDoNotAllow() throws Exception {
    Path m = withCases(directoryManifest("rights: READ"), """
        [["a.txt", {"write": true}], ["a.txt", {"append": true}], ["n.txt", {"write": true, "create": true}],
         ["n.txt"], ["a.txt", {}], ["a.txt", {"read": true, "create": true}]]""");
    runAll(m, Isolation.IN_PROCESS);
    assertEquals(List.of(
        "[c] \"a.txt\" CapabilityError capability.rights",
        "[c] \"a.txt\" CapabilityError capability.rights",
        "[c] \"n.txt\" CapabilityError capability.rights",
        "[c] \"n.txt\" CapabilityError file.not_found",
        "[c] \"a.txt\" TypeError ",
        "[c] \"a.txt\" TypeError "), log);
    assertEquals("in the box", Files.readString(dir.resolve("box/a.txt")));
    assertTrue(Files.notExists(dir.resolve("box/n.txt")));
  }

  @Test
  void shouldRefuseEscapesAndHostilePathsAndLinksMadeAfterLoading() throws Exception {
    Path m = withCases(directoryManifest("rights: READ rights: WRITE rights: CREATE"), """
        [["../outside.txt"], ["sub/../../outside.txt"], ["/etc/passwd"], ["a\\u0000b"], ["%s"],
         ["evil.txt"], ["evil.txt", {"write": true, "create": true}], ["jump/x.txt", {"write": true, "create": true}],
         ["", {"read": true}], ["."], ["sub"]]""".formatted("a/".repeat(2100)));
    LoadedManifest loaded = ManifestLoader.load(m);
    // Planted after the manifest was loaded, inside the granted directory, pointing outside.
    Files.createSymbolicLink(dir.resolve("box/evil.txt"), dir.resolve("outside.txt"));
    Files.createSymbolicLink(dir.resolve("box/jump"), dir);
    try (Host h = Host.launch(new Host.Context().manifest(loaded).log(log::add).events(events::add))) {
      finish(h);
    }
    assertEquals(List.of(
        "[c] \"../outside.txt\" CapabilityError capability.path",
        "[c] \"sub/../../outside.txt\" CapabilityError capability.path",
        "[c] \"/etc/passwd\" CapabilityError capability.path",
        "[c] \"a\\u0000b\" CapabilityError capability.path",
        "[c] \"" + "a/".repeat(19) + "a RangeError ", // longer than the dispatcher takes
        "[c] \"evil.txt\" CapabilityError file.link",
        "[c] \"evil.txt\" CapabilityError file.link",
        "[c] \"jump/x.txt\" CapabilityError capability.path",
        "[c] \"\" CapabilityError capability.path",
        "[c] \".\" CapabilityError capability.path",
        "[c] \"sub\" CapabilityError file.not_regular"), log);
    assertEquals("secret", Files.readString(dir.resolve("outside.txt")));
    assertTrue(Files.notExists(dir.resolve("x.txt")));
  }

  @Test
  void shouldRefuseOpensOnceTheDirectoryIsRevokedAndEndWhatItOpened() throws Exception {
    write("box/a.txt", "in the box");
    write("c.js", """
        async function main(env) {
          const f = await env.files.open('a.txt', { write: true });
          console.log('opened');
          await new Promise((resolve) => { const t = setInterval(() => { try { f.writer.tryWrite('y'); } catch (e) { console.log('writer', e.code); clearInterval(t); resolve(); } }, 5); });
          try { await env.files.open('a.txt'); } catch (e) { console.log('open', e.code); }
        }""");
    Path m = write("m.txtpb", """
        components { name: "c" script: "c.js" }
        grants { component: "c" file: "box" rights: READ rights: WRITE as: "files" }
        grants { component: "c" host: LOG }
        """);
    try (Host h = launch(m)) {
      long deadline = System.nanoTime() + 20_000_000_000L;
      while (!log.contains("[c] opened") && System.nanoTime() < deadline) {
        Thread.sleep(10);
      }
      h.revoke("c", "files");
      finish(h);
    }
    // The revocation reaches the writer two ways at once: its stub is revoked in the component's
    // next turn, and the host's pump leaves the ring at once. A write in between finds the ring's
    // reader gone (channel.broken): either outcome says the end no longer works, nothing was lost.
    assertEquals(3, log.size(), log.toString());
    assertEquals("[c] opened", log.get(0));
    assertTrue(log.get(1).equals("[c] writer capability.revoked") || log.get(1).equals("[c] writer channel.broken"), log.toString());
    assertEquals("[c] open capability.revoked", log.get(2));
  }

  /** The primordials rule: what user code patched first changes nothing of open's work. */
  @Test
  void shouldOpenFilesWhateverUserCodePatchedFirst() throws Exception {
    write("box/a.txt", "in the box");
    write("c.js", """
        let seen = '';
        for (const k of ['reader', 'writer', 'path', 'then', 'read', 'write', 'create', '0', 'length']) {
          Object.defineProperty(Object.prototype, k, { get() { seen += ' get ' + k; return undefined; },
            set(v) { seen += ' set ' + k; }, configurable: true });
        }
        Array.prototype.push = function () { throw new Error('patched push'); };
        Promise.prototype.then = function () { throw new Error('patched then'); };
        Function.prototype.call = Function.prototype.apply = function () { throw new Error('patched call'); };
        Symbol.iterator;
        async function main(env) {
          const f = await env.files.open('a.txt', { __proto__: null, read: true });
          let t = '';
          const r = f.reader;
          for (;;) { if (r.readInPlace((v) => { t = v.byteLength; })) continue; if (r.ended) break; await r.ready(); }
          console.log(f.path, t, env.files.rights.length, seen === '' ? 'no getter ran' : seen);
        }""");
    Path m = write("m.txtpb", """
        components { name: "c" script: "c.js" }
        grants { component: "c" file: "box" rights: READ as: "files" }
        grants { component: "c" host: LOG }
        """);
    runAll(m, Isolation.IN_PROCESS);
    assertEquals(List.of("[c] a.txt 10 1 no getter ran"), log);
  }

  @Test
  void shouldStopAStaticFileGrantOnceRevoked() throws Exception {
    write("f.txt", "");
    write("c.js", """
        async function main(env) {
          await env.out.write('before\\n');
          console.log('wrote');
          await new Promise((resolve) => { const t = setInterval(() => {
            try { env.out.tryWrite('after\\n'); } catch (e) { console.log('out', e.code); clearInterval(t); resolve(); } }, 5); });
        }""");
    Path m = write("m.txtpb", """
        components { name: "c" script: "c.js" }
        grants { component: "c" file: "f.txt" rights: APPEND as: "out" }
        grants { component: "c" host: LOG }
        """);
    try (Host h = launch(m)) {
      long deadline = System.nanoTime() + 20_000_000_000L;
      while (!log.contains("[c] wrote") && System.nanoTime() < deadline) {
        Thread.sleep(10);
      }
      h.revoke("c", "out");
      finish(h);
    }
    assertEquals(List.of("[c] wrote", "[c] out capability.revoked"), log);
    assertTrue(Files.readString(dir.resolve("f.txt")).startsWith("before\n"));
    assertTrue(events.stream().anyMatch(e -> e.kind() == HostEvent.Kind.REVOKED), events.toString());
  }

  @Test
  void shouldSeeNothingWithoutAGrant() throws Exception {
    write("box/a.txt", "in the box");
    write("c.js", "function main(env) { console.log(Object.keys(env).join(','), typeof env.files); }");
    Path m = write("m.txtpb", """
        components { name: "c" script: "c.js" }
        grants { component: "c" host: LOG }
        """);
    runAll(m, Isolation.IN_PROCESS);
    assertEquals(List.of("[c] log undefined"), log);
  }

  @Test
  void shouldRefuseADirectoryGrantToAComponentInAWorker() throws Exception {
    write("box/a.txt", "x");
    write("c.js", "function main(env) {}");
    Path m = write("m.txtpb", """
        components { name: "c" script: "c.js" isolation: PROCESS }
        grants { component: "c" file: "box" rights: READ as: "files" }
        """);
    ManifestException e = assertThrows(ManifestException.class, () -> ManifestLoader.load(m));
    assertEquals("manifest.isolation", e.code());
    assertTrue(e.getMessage().contains("m.txtpb:2:"), e.getMessage());
  }

  @Test
  void shouldRejectFileGrantsThatCannotBeServed() throws Exception {
    write("f.txt", "x");
    write("c.js", "function main(env) {}");
    Files.createSymbolicLink(dir.resolve("link.txt"), dir.getParent());
    String[][] cases = {
        {"file: \"f.txt\" rights: READ rights: WRITE", "manifest.file_rights"},
        {"file: \"f.txt\" rights: WRITE rights: APPEND", "manifest.file_rights"},
        {"file: \"f.txt\" rights: CREATE", "manifest.file_rights"},
        {"file: \"f.txt\" rights: APPEND map: true", "manifest.file_rights"},
        {"file: \"missing.txt\" rights: WRITE", "manifest.path_not_found"},
        {"file: \"../f.txt\" rights: READ", "manifest.path_escapes"},
        {"file: \"/etc/passwd\" rights: READ", "manifest.path_escapes"},
        {"file: \"link.txt\" rights: READ", "manifest.path_escapes"},
        {"file: \"f.txt\"", "manifest.grant_no_rights"},
        {"host: LOG map: true", "manifest.map_not_applicable"},
    };
    for (String[] c : cases) {
      Path m = write("m.txtpb", "components { name: \"c\" script: \"c.js\" }\ngrants { component: \"c\" " + c[0] + " }\n");
      ManifestException e = assertThrows(ManifestException.class, () -> ManifestLoader.load(m), c[0]);
      assertEquals(c[1], e.code(), c[0] + ": " + e.getMessage());
      assertTrue(e.getMessage().contains("m.txtpb:2:"), e.getMessage());
    }
  }

  @Test
  void shouldCheckAStaticFileAgainAtLaunch() throws Exception {
    write("f.txt", "x");
    write("outside/secret.txt", "secret");
    write("app/c.js", "function main(env) {}");
    Path m = write("app/m.txtpb", """
        components { name: "c" script: "c.js" }
        grants { component: "c" file: "f.txt" rights: READ as: "f" }
        """);
    write("app/f.txt", "fine");
    LoadedManifest loaded = ManifestLoader.load(m);
    Files.delete(dir.resolve("app/f.txt"));
    Files.createSymbolicLink(dir.resolve("app/f.txt"), dir.resolve("outside/secret.txt"));
    B8gException e = assertThrows(B8gException.class, () -> Host.launch(new Host.Context().manifest(loaded)));
    assertEquals("file.link", e.code(), e.getMessage());
  }
}
