package b8g.host;

import static org.junit.jupiter.api.Assertions.*;

import b8g.components.Component.ExitStatus;
import b8g.memory.Message;
import b8g.memory.RingDescriptor;
import b8g.memory.RingReader;
import b8g.memory.RingWriter;
import b8g.errors.B8gException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A defined end for every channel: when one end's holder is gone for good, the other learns it
 * ({@code channel.broken}) after every committed message, instead of waiting for ever; with a
 * restart pending it waits, and the restarted holder goes on from the ring's own position.
 */
class ChannelEndTest extends HostFixture {
  private Map<String, ExitStatus> run(Path manifest) throws Exception {
    try (Host h = launch(manifest)) {
      return finish(h);
    }
  }

  private static final String PAIR = """
      components { name: "writer" script: "writer.js" }
      components { name: "reader" script: "reader.js" }
      channels { name: "c" capacity: 65536 backing: ANONYMOUS }
      grants { component: "writer" channel: "c" rights: WRITE as: "out" }
      grants { component: "reader" channel: "c" rights: READ as: "in" }
      grants { component: "writer" host: LOG }
      grants { component: "reader" host: LOG }
      """;

  @Test
  void shouldRejectTheWriterOnceItsReaderIsGone() throws Exception {
    // The repro: a reader that throws after 10 messages used to leave its writer waiting on the
    // full ring for ever, and the host with it.
    write("writer.js", """
        async function main(env) {
          let n = 0;
          try {
            for (;;) { const p = env.out.write(new Uint8Array(1024)); if (p) await p; n++; }
          } catch (e) {
            console.log('writer', e.name, e.code, n >= 10);
            try { await env.out.ready(); console.log('ready resolved?!'); } catch (r) { console.log('ready', r.code); }
            try { env.out.tryWrite('x'); console.log('tryWrite returned?!'); } catch (t) { console.log('tryWrite', t.code); }
          }
        }""");
    write("reader.js", """
        async function main(env) {
          let n = 0;
          for await (const m of env.in) { if (++n === 10) throw new Error('reader gives up'); }
        }""");
    Map<String, ExitStatus> done = run(write("m.txtpb", PAIR));
    assertTrue(done.get("writer").success(), done.toString());
    assertFalse(done.get("reader").success(), done.toString());
    assertEquals(List.of("[writer] writer CapabilityError channel.broken true", "[writer] ready channel.broken",
        "[writer] tryWrite channel.broken"), log);
  }

  @Test
  void shouldDrainEveryMessageBeforeTheReaderSeesAWriterThatDied() throws Exception {
    write("writer.js", """
        async function main(env) {
          for (let i = 0; i < 5000; i++) { const p = env.out.write('m' + i); if (p) await p; }
          throw new Error('writer dies without close()');
        }""");
    write("reader.js", """
        async function main(env) {
          let n = 0, order = true;
          try {
            for await (const m of env.in) { if (m !== 'm' + n) order = false; n++; }
            console.log('clean end?!');
          } catch (e) { console.log(e.name, e.code, n, order, env.in.ended); }
        }""");
    Map<String, ExitStatus> done = run(write("m.txtpb", PAIR));
    assertTrue(done.get("reader").success(), done.toString());
    assertEquals(List.of("[reader] CapabilityError channel.broken 5000 true true"), log);
  }

  @Test
  void shouldTellACleanCloseFromAWriterThatDied() throws Exception {
    write("writer.js", """
        async function main(env) { env.out.write('only'); await env.out.close(); }""");
    write("reader.js", """
        async function main(env) {
          const got = [];
          for await (const m of env.in) got.push(m);
          await new Promise(r => setTimeout(r, 50)); // the writer has ended by now: still a clean end
          console.log(got.join(','), await env.in.read(), env.in.tryRead(), env.in.ended);
        }""");
    Map<String, ExitStatus> done = run(write("m.txtpb", PAIR));
    assertTrue(done.values().stream().allMatch(ExitStatus::success), done.toString());
    assertEquals(List.of("[reader] only undefined undefined true"), log);
  }

  @Test
  void shouldLetARestartedReaderGoOnFromTheRingsPosition() throws Exception {
    // The first reader takes 7 messages and dies; the restart reads on from the ring's head: the
    // one message it took but had not finished is the only one lost, and no message is repeated.
    write("writer.js", """
        async function main(env) {
          for (let i = 0; i < 3000; i++) { const p = env.out.write(String(i)); if (p) await p; }
          await env.out.close();
        }""");
    write("reader.js", """
        async function main(env) {
          const first = await env.in.read();
          if (first === '0') { for (let i = 1; i < 7; i++) await env.in.read(); throw new Error('dies holding message 6'); }
          let n = 1, last = Number(first), order = true;
          for await (const m of env.in) { if (Number(m) !== last + 1) order = false; last = Number(m); n++; }
          console.log('restarted at', first, 'last', last, 'in order', order);
        }""");
    Map<String, ExitStatus> done = run(write("m.txtpb", PAIR.replace(
        "components { name: \"reader\" script: \"reader.js\" }",
        "components { name: \"reader\" script: \"reader.js\" restart { mode: ON_FAILURE max_restarts: 1 } }")));
    assertTrue(done.values().stream().allMatch(ExitStatus::success), done + " " + log);
    assertEquals(List.of("[reader] restarted at 7 last 2999 in order true"), log);
  }

  @Test
  void shouldGiveAJavaPeerTheSameEnds() throws Exception {
    // A Java reader of a component's channel: everything committed, then channel.broken.
    write("writer.js", """
        async function main(env) {
          for (let i = 0; i < 100; i++) { const p = env.out.write('m' + i); if (p) await p; }
          throw new Error('dies');
        }""");
    Path m = write("m.txtpb", """
        components { name: "writer" script: "writer.js" }
        channels { name: "c" capacity: 65536 backing: ANONYMOUS }
        grants { component: "writer" channel: "c" rights: WRITE as: "out" }
        """);
    try (Host h = launch(m)) {
      RingReader r = h.channel("c").reader();
      int n = 0;
      B8gException end = null;
      try {
        for (;;) {
          Message msg = r.take(Duration.ofSeconds(30));
          assertNotNull(msg, "waited 30 s: the end never showed");
          assertEquals("m" + n, msg.text());
          n++;
        }
      } catch (B8gException e) {
        end = e;
      }
      assertEquals("channel.broken", end.code());
      assertEquals(100, n);
    }
    // And a Java writer whose component reader dies.
    write("reader.js", "async function main(env) { await env.in.read(); throw new Error('dies'); }");
    Path m2 = write("m2.txtpb", """
        components { name: "reader" script: "reader.js" }
        channels { name: "c" capacity: 4096 backing: ANONYMOUS }
        grants { component: "reader" channel: "c" rights: READ as: "in" }
        """);
    try (Host h = launch(m2)) {
      RingWriter w = h.channel("c").writer();
      B8gException end = assertThrows(B8gException.class, () -> {
        for (int i = 0; i < 1_000_000; i++) {
          assertTrue(w.write(new byte[100], RingDescriptor.TYPE_BYTES, Duration.ofSeconds(30)), "waited 30 s on a dead reader");
        }
      });
      assertEquals("channel.broken", end.code());
    }
  }
}
