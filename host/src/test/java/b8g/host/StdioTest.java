package b8g.host;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import b8g.components.Component.ExitStatus;
import b8g.host.io.Stdio;
import b8g.host.manifest.ManifestException;
import b8g.host.manifest.ManifestLoader;
import b8g.host.manifest.schema.Isolation;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.Pipe;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * STDIN, STDOUT and STDERR grants over real OS pipes standing in for the host's descriptors, in
 * both tiers (a PROCESS component's rings are shared memory the host's pumps serve). The real
 * process's descriptors are tested through the launcher in the cli module (StdioCliTest).
 */
class StdioTest extends HostFixture {
  private final Pipe in = open();
  private final Pipe out = open();
  private final Pipe err = open();

  private static Pipe open() {
    try {
      return Pipe.open();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @AfterEach
  void closePipes() throws IOException {
    for (Pipe p : new Pipe[] {in, out, err}) {
      p.sink().close();
      p.source().close();
    }
  }

  private Host launchWithStdio(Path manifest, Isolation tier) {
    return Host.launch(new Host.Context().manifest(manifest).log(log::add).events(events::add).isolation(tier)
        .stdio(Stdio.of(in.source(), out.sink(), err.sink())));
  }

  private static CompletableFuture<byte[]> drain(Pipe p) {
    return CompletableFuture.supplyAsync(() -> {
      try {
        return Channels.newInputStream(p.source()).readAllBytes();
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    });
  }

  private static final String PIPE = """
      components { name: "pipe" script: "pipe.js" }
      grants { component: "pipe" host: STDIN }
      grants { component: "pipe" host: STDOUT }
      grants { component: "pipe" host: STDERR as: "errors" }
      grants { component: "pipe" host: LOG }
      """;

  @BothTiers
  void shouldCopyStandardInputToStandardOutputAndSeeTheEndOfInput(Isolation tier) throws Exception {
    write("pipe.js", """
        async function main(env) {
          let n = 0;
          for await (const chunk of env.stdin) {
            if (!(chunk instanceof Uint8Array)) throw new TypeError('not bytes');
            n += chunk.length;
            await env.stdout.write(chunk);
          }
          await env.errors.write('copied ' + n + '\\n');
          await env.stdout.close();
          console.log('done', n, env.stdin.ended);
        }""");
    byte[] data = new byte[3_000_000];
    new Random(7).nextBytes(data);
    CompletableFuture<byte[]> copied = drain(out);
    CompletableFuture<byte[]> errors = drain(err);
    try (Host h = launchWithStdio(write("pipe.txtpb", PIPE), tier)) {
      try (var sink = in.sink()) {
        sink.write(ByteBuffer.wrap(data));
      }
      Map<String, ExitStatus> done = finish(h);
      assertTrue(done.get("pipe").success(), done + " " + events);
    }
    out.sink().close();
    err.sink().close();
    assertArrayEquals(data, copied.get(30, TimeUnit.SECONDS));
    assertEquals("copied 3000000\n", new String(errors.get(30, TimeUnit.SECONDS), StandardCharsets.UTF_8));
    assertEquals("[pipe] done 3000000 true", log.get(0));
  }

  @BothTiers
  void shouldBreakTheWriterWhenStandardOutputIsClosedEarly(Isolation tier) throws Exception {
    write("yes.js", """
        async function main(env) {
          let n = 0;
          try {
            for (;;) { await env.stdout.write('y\\n'); n++; }
          } catch (e) {
            console.log(e.name, e.code, n > 0);
          }
        }""");
    Path m = write("yes.txtpb", """
        components { name: "yes" script: "yes.js" }
        grants { component: "yes" host: STDOUT }
        grants { component: "yes" host: LOG }
        """);
    try (Host h = launchWithStdio(m, tier)) {
      ByteBuffer ten = ByteBuffer.allocate(10);
      while (ten.hasRemaining()) {
        out.source().read(ten);
      }
      out.source().close(); // `| head -c 10`
      Map<String, ExitStatus> done = finish(h);
      assertTrue(done.get("yes").success(), done + " " + events);
      assertTrue(h.stdoutClosedEarly());
    }
    assertEquals("[yes] CapabilityError channel.broken true", log.get(0));
  }

  @Test
  void shouldGiveStandardInputToOneComponentOnly() throws Exception {
    write("a.js", "function main(env) {}");
    Path m = write("two.txtpb", """
        components { name: "a" script: "a.js" }
        components { name: "b" script: "a.js" }
        grants { component: "a" host: STDIN }
        grants { component: "b" host: STDIN }
        """);
    ManifestException e = assertThrows(ManifestException.class, () -> ManifestLoader.load(m));
    assertEquals("manifest.two_stdin", e.code());
    assertTrue(e.getMessage().contains("two.txtpb:4:"), e.getMessage());
    assertTrue(e.getMessage().contains("(at 3:1)"), e.getMessage());
  }

  @Test
  void shouldLetSeveralComponentsWriteWholeMessagesToStandardOutput() throws Exception {
    write("a.js", "async function main(env) { const l = 'a'.repeat(3000) + '\\n'; for (let i = 0; i < 200; i++) await env.stdout.write(l); }");
    write("b.js", "async function main(env) { const l = 'b'.repeat(3000) + '\\n'; for (let i = 0; i < 200; i++) await env.stdout.write(l); }");
    Path m = write("many.txtpb", """
        components { name: "a" script: "a.js" }
        components { name: "b" script: "b.js" }
        grants { component: "a" host: STDOUT }
        grants { component: "b" host: STDOUT }
        """);
    CompletableFuture<byte[]> all = drain(out);
    try (Host h = launchWithStdio(m, Isolation.ISOLATION_UNSPECIFIED)) {
      Map<String, ExitStatus> done = finish(h);
      assertTrue(done.values().stream().allMatch(ExitStatus::success), done + " " + events);
    }
    out.sink().close();
    String text = new String(all.get(30, TimeUnit.SECONDS), StandardCharsets.US_ASCII);
    String[] lines = text.split("\n");
    assertEquals(400, lines.length);
    for (String l : lines) {
      assertTrue(l.equals("a".repeat(3000)) || l.equals("b".repeat(3000)), "a message was split: " + l.length());
    }
    assertFalse(events.stream().anyMatch(e -> e.kind() == HostEvent.Kind.DEADLOCK), events.toString());
  }
}
