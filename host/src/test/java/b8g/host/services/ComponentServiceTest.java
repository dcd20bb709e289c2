package b8g.host.services;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import b8g.components.Component.ExitStatus;
import b8g.host.BothTiers;
import b8g.host.Host;
import b8g.host.HostFixture;
import b8g.host.manifest.schema.Isolation;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Services between components: serve, call, pipeline, errors, narrowing, server death and restart, link, floods. */
class ComponentServiceTest extends HostFixture {
  private static final String HELPERS = """
      async function rejects(p, code, text) {
        try { await p; } catch (e) {
          if (e.code !== code && e.name !== code) throw new Error('expected ' + code + ', got ' + e.name + ' ' + e.code + ': ' + e.message);
          if (text && !String(e.message).includes(text)) throw new Error('message ' + e.message + ' lacks ' + text);
          return e;
        }
        throw new Error('expected ' + code + ', but it resolved');
      }
      function same(a, b, what) { if (a !== b) throw new Error(what + ': ' + String(a) + ' !== ' + String(b)); }
      """;

  /** A server whose main ends when a client calls stop(). */
  private static final String SERVER = """
      async function main(env) {
        let stop;
        const done = new Promise((r) => { stop = r; });
        class Shop {
          lookup(id) { return { id, item: 'book' }; }
          async slow(x) { await new Promise((r) => setTimeout(r, 5)); return x * 2; }
          fail() { const e = new Error('out of stock'); e.code = 'shop.out_of_stock'; throw e; }
          crash() { throw new TypeError('oops'); }
          hang() { return new Promise(() => {}); }
          die() { setTimeout(() => { throw new Error('server dies'); }, 0); return 'dying'; }
          bad() { return () => 1; }
          stop() { stop(); return 'stopping'; }
        }
        env.shop.serve(new Shop());
        await done;
      }
      """;

  private Path manifest(String clientScript, String extra) throws Exception {
    write("server.js", SERVER);
    write("client.js", HELPERS + clientScript);
    return write("m.txtpb", """
        components { name: "server" script: "server.js" %s }
        components { name: "client" script: "client.js" }
        services { name: "shop" component: "server" }
        grants { component: "server" service: "shop" }
        grants { component: "client" service: "shop" }
        grants { component: "client" host: LOG }
        grants { component: "server" host: LOG }
        """.formatted(extra));
  }

  @BothTiers
  void shouldCallAComponentsServicePipelinedAndOneAtATime(Isolation tier) throws Exception {
    Path m = manifest("""
        async function main(env) {
          const s = env.shop;
          same((await s.lookup(7)).item, 'book', 'lookup');
          console.log('lookup');
          same(await s.slow(21), 42, 'an async method');
          console.log('slow');
          const all = [];
          for (let i = 0; i < 3000; i++) all.push(s.lookup(i));
          const got = await Promise.all(all);
          for (let i = 0; i < got.length; i++) same(got[i].id, i, 'pipelined answer ' + i);
          console.log('pipelined');
          for (let i = 0; i < 200; i++) same((await s.lookup(i)).id, i, 'one at a time');
          const e = await rejects(s.fail(), 'shop.out_of_stock', 'shop.fail: out of stock');
          same(e.name, 'CapabilityError', 'name');
          await rejects(s.crash(), 'service.failed', 'oops');
          await rejects(s.nosuch(), 'service.unknown_method');
          await rejects((async () => s.toString())(), 'TypeError');
          await rejects(s.bad(), 'service.bad_result', 'a function');
          await rejects((async () => s.constructor())(), 'TypeError');
          same(await s.stop(), 'stopping', 'stop');
          console.log('component service ok');
        }
        """, "");
    try (Host h = launch(m, tier)) {
      Map<String, ExitStatus> done = finish(h);
      assertEquals(0, done.get("client").code(), done + " " + log);
      assertEquals(0, done.get("server").code(), done + " " + log);
    }
    assertTrue(log.stream().anyMatch(l -> l.endsWith("component service ok")), log.toString());
  }

  @BothTiers
  void shouldFailPendingCallsWhenTheServerDiesAndGoOnAfterItsRestart(Isolation tier) throws Exception {
    Path m = manifest("""
        async function main(env) {
          const s = env.shop;
          const pending = [s.hang(), s.hang(), s.hang()];
          same(await s.die(), 'dying', 'die');
          for (const p of pending) await rejects(p, 'channel.broken', 'its server is gone');
          let answer = null;
          for (let i = 0; i < 500 && answer === null; i++) {
            try { answer = await s.lookup(1); } catch (e) {
              if (e.code !== 'channel.broken') throw e;
              await new Promise((r) => setTimeout(r, 20));
            }
          }
          same(answer && answer.item, 'book', 'a call after the restart');
          await s.stop();
          console.log('restart ok');
        }
        """, "restart { mode: ON_FAILURE max_restarts: 1 }");
    try (Host h = launch(m, tier)) {
      Map<String, ExitStatus> done = finish(h);
      assertEquals(0, done.get("client").code(), done + " " + log);
    }
    assertTrue(log.stream().anyMatch(l -> l.endsWith("restart ok")), log.toString());
  }

  @Test
  void shouldRefuseAMethodOutsideTheNarrowedGrantAndNothingWithoutAGrant() throws Exception {
    write("server.js", SERVER);
    write("client.js", HELPERS + """
        async function main(env) {
          same(await env.shop.lookup(1).then((o) => o.id), 1, 'lookup');
          await rejects(env.shop.fail(), 'service.unknown_method', 'not a method this component may call');
          same(env.nothing, undefined, 'no grant');
          await env.shop.stop();
        }
        """);
    write("other.js", "function main(env) { if (env.shop !== undefined) throw new Error('reached the shop'); }");
    Path m = write("m.txtpb", """
        components { name: "server" script: "server.js" }
        components { name: "client" script: "client.js" }
        components { name: "other" script: "other.js" }
        services { name: "shop" component: "server" }
        grants { component: "server" service: "shop" }
        grants { component: "client" service: "shop" methods: ["lookup", "stop"] }
        """);
    try (Host h = launch(m)) {
      Map<String, ExitStatus> done = finish(h);
      done.forEach((n, s) -> assertEquals(0, s.code(), n + " " + s));
    }
  }

  @Test
  void shouldThrottleAFloodingClientWhileAnotherGoesOn() throws Exception {
    write("server.js", SERVER);
    write("flood.js", HELPERS + """
        async function main(env) {
          const calls = [];
          let refused = null;
          try { for (let i = 0; i < 10000; i++) calls.push(env.shop.slow(i)); } catch (e) { refused = e; }
          // the stub refuses beyond its bound of pending calls, synchronously or as a rejection
          const results = await Promise.allSettled(calls);
          const rangeErrors = results.filter((r) => r.status === 'rejected' && r.reason instanceof RangeError).length;
          same(rangeErrors > 0 || refused instanceof RangeError, true, 'refused beyond the bound');
          same(results.filter((r) => r.status === 'fulfilled').length >= 4096, true, 'at least the bound of pending calls');
          console.log('flood throttled');
        }
        """);
    write("client.js", HELPERS + """
        async function main(env) {
          for (let i = 0; i < 300; i++) same((await env.shop.lookup(i)).id, i, 'a polite client');
          console.log('polite client done');
          await new Promise((r) => setTimeout(r, 200));
        }
        """);
    Path m = write("m.txtpb", """
        components { name: "server" script: "server.js" }
        components { name: "flood" script: "flood.js" }
        components { name: "client" script: "client.js" }
        services { name: "shop" component: "server" }
        grants { component: "server" service: "shop" }
        grants { component: "flood" service: "shop" }
        grants { component: "client" service: "shop" }
        grants { component: "flood" host: LOG }
        grants { component: "client" host: LOG }
        """);
    try (Host h = launch(m)) {
      long deadline = System.nanoTime() + 60_000_000_000L;
      while (System.nanoTime() < deadline && h.deadlock() == null && !(log.stream().anyMatch(l -> l.endsWith("flood throttled"))
          && log.stream().anyMatch(l -> l.endsWith("polite client done")))) {
        Thread.sleep(20);
      }
      assertTrue(log.stream().anyMatch(l -> l.endsWith("flood throttled")), log.toString() + events);
      assertTrue(log.stream().anyMatch(l -> l.endsWith("polite client done")), log.toString() + events);
    }
  }

  @Test
  void shouldHandAServiceOverByLink() throws Exception {
    write("server.js", SERVER);
    write("holder.js", HELPERS + """
        async function main(env) {
          env.export('shop', env.shop);
          same((await env.shop.lookup(1)).id, 1, 'the exporter keeps its own client');
          await new Promise((r) => setTimeout(r, 3000));
        }
        """);
    write("linker.js", HELPERS + """
        async function main(env) {
          let got = null;
          for (let i = 0; i < 100 && got === null; i++) {
            try { got = env.link(env.holder_secret).shop; } catch (e) { await new Promise((r) => setTimeout(r, 20)); }
            if (got === undefined) { got = null; await new Promise((r) => setTimeout(r, 20)); }
          }
          same((await got.lookup(5)).id, 5, 'a linked client');
          const all = await Promise.all([got.lookup(1), got.lookup(2)]);
          same(all[1].id, 2, 'pipelined on its own rings');
          let limit = null; // each link makes rings of its own: a bounded number of them
          for (let i = 0; i < 70 && limit === null; i++) { try { env.link(env.holder_secret); } catch (e) { limit = e.code; } }
          same(limit, 'capability.limit', 'links past the cap');
          await got.stop();
          console.log('linked ok');
        }
        """);
    Path m = write("m.txtpb", """
        components { name: "server" script: "server.js" }
        components { name: "holder" script: "holder.js" }
        components { name: "linker" script: "linker.js" }
        services { name: "shop" component: "server" }
        grants { component: "server" service: "shop" }
        grants { component: "holder" service: "shop" }
        grants { component: "linker" host: LOG }
        links { from: "holder" to: "linker" }
        """);
    try (Host h = launch(m)) {
      Map<String, ExitStatus> done = finish(h);
      done.forEach((n, s) -> assertEquals(0, s.code(), n + " " + s + " " + done + log + events));
    }
    assertTrue(log.stream().anyMatch(l -> l.endsWith("linked ok")), log.toString());
  }

  @Test
  void shouldFailPendingAndLaterCallsOnceTheClientIsRevoked() throws Exception {
    Path m = manifest("""
        async function main(env) {
          const s = env.shop;
          same((await s.lookup(1)).id, 1, 'before');
          const p = s.hang();
          console.log('hanging');
          await rejects(p, 'capability.revoked');
          let threw = null;
          try { s.lookup(2); } catch (e) { threw = e; }
          same(threw && threw.code, 'capability.revoked', 'a later call');
          console.log('revoked ok');
        }
        """, "");
    try (Host h = launch(m)) {
      long deadline = System.nanoTime() + 20_000_000_000L;
      while (!log.contains("[client] hanging") && System.nanoTime() < deadline) {
        Thread.sleep(10);
      }
      h.revoke("client", "shop");
      long end = System.nanoTime() + 20_000_000_000L;
      while (!log.contains("[client] revoked ok") && System.nanoTime() < end) {
        Thread.sleep(10);
      }
    }
    assertTrue(log.contains("[client] revoked ok"), log.toString() + events);
  }
}
