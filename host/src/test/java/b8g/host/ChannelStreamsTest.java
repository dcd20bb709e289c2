package b8g.host;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import b8g.components.Component.ExitStatus;
import b8g.host.manifest.schema.Isolation;
import java.util.Set;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Channel ends as WHATWG streams: a reader end's {@code readable} piped through a TransformStream
 * into a writer end's {@code writable}, between components of one host, with the ring's
 * backpressure (the rings are far smaller than what crosses them) and order kept.
 */
class ChannelStreamsTest extends HostFixture {
  private static final String MANIFEST = """
      components { name: "producer" script: "producer.js" }
      components { name: "relay" script: "relay.js" }
      components { name: "consumer" script: "consumer.js" }
      channels { name: "raw" capacity: 4096 backing: ANONYMOUS }
      channels { name: "cooked" capacity: 4096 backing: ANONYMOUS }
      grants { component: "producer" channel: "raw" rights: WRITE as: "out" }
      grants { component: "relay" channel: "raw" rights: READ as: "in" }
      grants { component: "relay" channel: "cooked" rights: WRITE as: "out" }
      grants { component: "consumer" channel: "cooked" rights: READ as: "in" }
      grants { component: "producer" host: LOG }
      grants { component: "relay" host: LOG }
      grants { component: "consumer" host: LOG }
      """;

  @BothTiers
  void shouldPipeTenThousandMessagesThroughATransformBetweenComponentsInOrder(Isolation tier) throws Exception {
    write("producer.js", """
        async function main(env) {
          function* messages() { for (let i = 0; i < 10000; i++) yield i % 2 ? 'm' + i : new TextEncoder().encode('b' + i); }
          await ReadableStream.from(messages()).pipeTo(env.out.writable);
        }""");
    write("relay.js", """
        async function main(env) {
          const same = env.in.readable === env.in.readable && env.out.writable === env.out.writable;
          const upper = new TransformStream({
            transform(m, k) { k.enqueue(typeof m === 'string' ? m.toUpperCase() : new TextDecoder().decode(m) + '!'); },
          });
          await env.in.readable.pipeThrough(upper).pipeTo(env.out.writable);
          console.log('relay done', same);
        }""");
    write("consumer.js", """
        async function main(env) {
          let n = 0, inOrder = true;
          for await (const m of env.in.readable) {
            if (m !== (n % 2 ? 'M' + n : 'b' + n + '!')) inOrder = false;
            n++;
          }
          // What needs the host's dispatcher (IDNA, compression) works in a worker process too.
          const gz = new Blob(['zipped']).stream().pipeThrough(new CompressionStream('gzip')).pipeThrough(new DecompressionStream('gzip'));
          let text = ''; for await (const s of gz.pipeThrough(new TextDecoderStream())) text += s;
          console.log('consumer', n, inOrder, new URL('http://Bücher.example/').host, text);
        }""");
    try (Host h = launch(write("m.txtpb", MANIFEST), tier)) {
      Map<String, ExitStatus> done = finish(h);
      assertTrue(done.values().stream().allMatch(ExitStatus::success), done + " " + log);
    }
    assertEquals(Set.of("[relay] relay done true", "[consumer] consumer 10000 true xn--bcher-kva.example zipped"), Set.copyOf(log));
    assertEquals(2, log.size(), log.toString());
  }

  @Test
  void shouldErrorTheReadableWhenTheWriterDiesWithoutClosing() throws Exception {
    write("producer.js", """
        async function main(env) {
          const w = env.out.writable.getWriter();
          for (let i = 0; i < 100; i++) await w.write('m' + i);
          throw new Error('dies without close()');
        }""");
    write("relay.js", """
        async function main(env) {
          let n = 0;
          try { for await (const m of env.in.readable) n++; console.log('clean end?!'); }
          catch (e) { console.log('relay', e.name, e.code, n); }
          await env.out.writable.close();
        }""");
    write("consumer.js", """
        async function main(env) { for await (const m of env.in.readable) console.log('unexpected', m); console.log('consumer end'); }""");
    try (Host h = launch(write("m.txtpb", MANIFEST))) {
      finish(h);
    }
    assertTrue(log.contains("[relay] relay CapabilityError channel.broken 100"), log.toString());
    assertTrue(log.contains("[consumer] consumer end"), log.toString());
  }
}
