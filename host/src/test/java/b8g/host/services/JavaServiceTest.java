package b8g.host.services;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import b8g.components.Component.ExitStatus;
import b8g.host.BothTiers;
import b8g.host.Host;
import b8g.host.HostFixture;
import b8g.host.manifest.schema.Isolation;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** Java services called from components: values, errors, timeouts, narrowing, cancellation, both tiers. */
class JavaServiceTest extends HostFixture {
  /** The service the tests register: public methods become the service's methods. */
  public static final class Orders {
    final AtomicInteger calls = new AtomicInteger();
    final CountDownLatch slowStarted = new CountDownLatch(1);
    final CompletableFuture<Object> never = new CompletableFuture<>();

    public Map<String, Object> lookup(long id) {
      calls.incrementAndGet();
      return Map.of("id", id, "item", "book", "qty", 2);
    }

    public Object echo(Object v) {
      return v;
    }

    public String fail(String why) {
      throw new ServiceException("orders.not_found", "no order " + why);
    }

    public String crash() {
      throw new IllegalStateException("secret host detail in com.example.Internal");
    }

    public CompletionStage<Object> hang() {
      slowStarted.countDown();
      return never;
    }

    final CountDownLatch clientEnded = new CountDownLatch(1);

    /** As hang, but gives its future back only once the test has ended the client. */
    public CompletionStage<Object> hangPastTheEnd() throws InterruptedException {
      slowStarted.countDown();
      clientEnded.await(30, TimeUnit.SECONDS);
      return never;
    }

    public Object thread() {
      return Thread.currentThread().getName();
    }

    final CountDownLatch interrupted = new CountDownLatch(1);

    /** A synchronous method that would keep its thread for a minute. */
    public String block() {
      try {
        Thread.sleep(60_000);
        return "slept";
      } catch (InterruptedException e) {
        interrupted.countDown();
        return "interrupted";
      }
    }

    /** A list that fails while it is encoded. */
    public Object hostile() {
      return new java.util.AbstractList<Object>() {
        @Override
        public Object get(int i) {
          throw new IllegalStateException("secret host detail");
        }

        @Override
        public int size() {
          return 1;
        }
      };
    }
  }

  private static final String MANIFEST = """
      components { name: "plugin" script: "plugin.js" }
      services { name: "orders" application: true }
      grants { component: "plugin" service: "orders" %s }
      grants { component: "plugin" host: LOG }
      """;

  private Path manifest(String methods, String script) throws Exception {
    write("plugin.js", script);
    return write("m.txtpb", MANIFEST.formatted(methods));
  }

  private Host launch(Path m, Isolation tier, Object service, Duration timeout) {
    return Host.launch(new Host.Context().manifest(m).log(log::add).events(events::add).isolation(tier)
        .service("orders", service).serviceTimeout(timeout));
  }

  private ExitStatus run(Isolation tier, String methods, String script, Object service) throws Exception {
    try (Host h = launch(manifest(methods, script), tier, service, Duration.ofSeconds(30))) {
      return finish(h).get("plugin");
    }
  }

  @BothTiers
  void shouldCallAJavaServiceAndGetItsValue(Isolation tier) throws Exception {
    Orders orders = new Orders();
    ExitStatus s = run(tier, "", """
        async function main(env) {
          const o = await env.orders.lookup(7);
          console.log(JSON.stringify(o), typeof env.orders.then);
          const again = await env.orders;
          console.log(again === env.orders);
        }
        """, orders);
    assertEquals(0, s.code(), s.toString() + log);
    assertTrue(log.stream().anyMatch(l -> l.contains("{\"id\":7,\"item\":\"book\",\"qty\":2} undefined")
        || l.contains("\"qty\":2") && l.contains("\"id\":7")), log.toString());
    assertTrue(log.stream().anyMatch(l -> l.endsWith("true")), log.toString());
    assertEquals(1, orders.calls.get());
  }

  /** A script's helper: expect(promise, code) rejects unless the promise rejects with that code. */
  private static final String EXPECT = """
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

  @BothTiers
  void shouldRoundTripEveryValueTypeAndRefuseWhatCannotCross(Isolation tier) throws Exception {
    ExitStatus s = run(tier, "", EXPECT + """
        async function main(env) {
          const o = env.orders;
          same(await o.echo(null), null, 'null');
          same(await o.echo(undefined), null, 'undefined becomes null in Java');
          same(await o.echo(true), true, 'true');
          same(await o.echo(false), false, 'false');
          same(await o.echo(42), 42, 'int');
          same(await o.echo(-7), -7, 'negative int');
          same(await o.echo(1.5), 1.5, 'float');
          same(Object.is(await o.echo(-0), -0), true, '-0');
          same(Number.isNaN(await o.echo(NaN)), true, 'NaN');
          same(await o.echo(Infinity), Infinity, 'Infinity');
          same(await o.echo(2 ** 53 + 2), 2 ** 53 + 2, 'big double');
          same(await o.echo(123456789012345678901234567890n), 123456789012345678901234567890n, 'bigint');
          same(await o.echo(-5n), -5n, 'negative bigint');
          same(await o.echo(0n), 0n, 'zero bigint');
          const huge = (1n << 80000n) - 12345n; // 10 kB of magnitude, decoded in one conversion
          same(await o.echo(huge), huge, 'large bigint'); same(await o.echo(-huge), -huge, 'large negative bigint');
          same(await o.echo('héllo 🌍'), 'héllo 🌍', 'string');
          same(await o.echo(''), '', 'empty string');
          const b = await o.echo(new Uint8Array([1, 2, 255]));
          same(b instanceof Uint8Array && b.length === 3 && b[2] === 255, true, 'bytes');
          const ab = await o.echo(new Uint8Array([9, 8]).buffer);
          same(ab instanceof Uint8Array && ab[0] === 9, true, 'ArrayBuffer comes back as bytes');
          const arr = await o.echo([1, 'a', [true, null], { k: 2 }]);
          same(JSON.stringify(arr), '[1,"a",[true,null],{"k":2}]', 'array');
          const obj = await o.echo({ a: 1, b: { c: [1, 2] }, __proto__x: 3 });
          same(JSON.stringify(obj), '{"a":1,"b":{"c":[1,2]},"__proto__x":3}', 'object');
          same(Object.getPrototypeOf(obj), Object.prototype, 'a plain object');
          const m = await o.echo(new Map([[1, 'one'], ['two', 2]]));
          same(m instanceof Map && m.get(1) === 'one' && m.get('two') === 2, true, 'Map with a number key stays a Map');
          const sm = await o.echo(new Map([['x', 1]]));
          same(sm.x, 1, 'a Map of string keys comes back as an object (Java cannot tell them apart)');
          const shared = { v: 1 };
          same(JSON.stringify(await o.echo([shared, shared])), '[{"v":1},{"v":1}]', 'the same object twice is no cycle');
          // what cannot cross: TypeError or RangeError at the call, nothing sent
          await rejects((async () => o.echo(() => 1))(), 'TypeError', 'a function');
          await rejects((async () => o.echo(Symbol('s')))(), 'TypeError', 'a symbol');
          await rejects((async () => o.echo(new Date()))(), 'TypeError', 'an instance of Date');
          class Order {}
          await rejects((async () => o.echo(new Order()))(), 'TypeError', 'an instance of Order');
          await rejects((async () => o.echo(new Uint16Array(2)))(), 'TypeError', 'Uint16Array');
          const cyc = { a: 1 }; cyc.self = cyc;
          await rejects((async () => o.echo(cyc))(), 'TypeError', 'cycle');
          let deep = []; for (let i = 0; i < 70; i++) deep = [deep];
          await rejects((async () => o.echo(deep))(), 'RangeError', 'deeper than 64');
          await rejects((async () => o.echo(new Uint8Array(300 * 1024)))(), 'RangeError', 'larger than 262144');
          let ok = []; for (let i = 0; i < 62; i++) ok = [ok];
          await o.echo(ok); // 63 levels with the argument list: fits
          const big = await o.echo(new Uint8Array(200 * 1024));
          same(big.length, 200 * 1024, 'a value just under the limit');
          try { await o.hostile(); same(true, false, 'a result that fails to encode'); } catch (e) {
            same(e.code + ' ' + e.message.includes('secret'), 'service.bad_result false', 'a result that fails to encode');
          }
          console.log('values ok');
        }
        """, new Orders());
    assertEquals(0, s.code(), s.toString() + log);
    assertTrue(log.stream().anyMatch(l -> l.endsWith("values ok")), log.toString());
  }

  @BothTiers
  void shouldTurnServiceErrorsIntoCodedJsErrorsWithoutATrace(Isolation tier) throws Exception {
    ExitStatus s = run(tier, "", EXPECT + """
        async function main(env) {
          const e1 = await rejects(env.orders.fail('7'), 'orders.not_found', 'orders.fail: no order 7');
          same(e1.name, 'CapabilityError', 'name');
          const e2 = await rejects(env.orders.crash(), 'service.failed', 'the service failed');
          same(/IllegalState|Exception|example|secret|java/.test(e2.message), false, 'no Java detail: ' + e2.message);
          await rejects(env.orders.lookup('x'), 'service.bad_args', 'must be an integer');
          await rejects(env.orders.lookup(1.5), 'service.bad_args', 'must be an integer');
          await rejects(env.orders.lookup(), 'service.bad_args', 'takes 1 argument, not 0');
          await rejects(env.orders.nosuch(), 'service.unknown_method');
          same((await env.orders.thread()).startsWith('b8g-service-call'), true, 'runs on the service executor');
          console.log('errors ok');
        }
        """, new Orders());
    assertEquals(0, s.code(), s.toString() + log);
    assertTrue(log.stream().anyMatch(l -> l.endsWith("errors ok")), log.toString());
  }

  @BothTiers
  void shouldTimeOutACallThatNeverAnswersAndCancelItsFuture(Isolation tier) throws Exception {
    Orders orders = new Orders();
    try (Host h = launch(manifest("", EXPECT + """
        async function main(env) {
          const t0 = Date.now();
          await rejects(env.orders.hang(), 'service.timeout', 'hang did not answer within 300 ms');
          same(await env.orders.echo(5), 5, 'the service goes on');
          await rejects(env.orders.block(), 'service.timeout', 'block did not answer within 300 ms');
          console.log('timeout ok');
        }
        """), tier, orders, Duration.ofMillis(300))) {
      ExitStatus s = finish(h).get("plugin");
      assertEquals(0, s.code(), s.toString() + log);
    }
    assertTrue(orders.never.isCancelled(), "the future of the call that timed out is cancelled");
    assertTrue(orders.interrupted.await(10, java.util.concurrent.TimeUnit.SECONDS), "the thread of a synchronous call that timed out is interrupted");
  }

  @BothTiers
  void shouldRefuseAMethodOutsideTheNarrowedGrant(Isolation tier) throws Exception {
    Orders orders = new Orders();
    ExitStatus s = run(tier, "methods: [\"lookup\"]", EXPECT + """
        async function main(env) {
          same((await env.orders.lookup(1)).id, 1, 'granted method');
          same('lookup' in env.orders, true, 'lookup is there');
          same('echo' in env.orders, false, 'echo is not');
          await rejects(env.orders.echo(1), 'service.unknown_method', 'not a method this component may call');
          console.log('narrowed ok');
        }
        """, orders);
    assertEquals(0, s.code(), s.toString() + log);
    assertEquals(1, orders.calls.get());
  }

  @Test
  void shouldGiveNothingWithoutAGrant() throws Exception {
    write("plugin.js", """
        function main(env) { if (env.orders !== undefined) throw new Error('granted?'); console.log('none', Object.keys(env)); }
        """);
    Path m = write("m.txtpb", """
        components { name: "plugin" script: "plugin.js" }
        services { name: "orders" application: true }
        grants { component: "plugin" host: LOG }
        """);
    try (Host h = Host.launch(new Host.Context().manifest(m).log(log::add).service("orders", new Orders()))) {
      assertEquals(0, finish(h).get("plugin").code(), log.toString());
    }
  }

  @Test
  void shouldRefuseToStartWhenTheApplicationRegisteredNoService() throws Exception {
    Path m = manifest("", "function main(env) {}");
    var e = org.junit.jupiter.api.Assertions.assertThrows(b8g.errors.B8gException.class,
        () -> Host.launch(new Host.Context().manifest(m).log(log::add)));
    assertEquals("host.config", e.code());
    assertTrue(e.getMessage().contains("Host.Context.service(\"orders\""), e.getMessage());
  }

  @Test
  void shouldRejectPendingAndLaterCallsOnceRevoked() throws Exception {
    Orders orders = new Orders();
    try (Host h = launch(manifest("", EXPECT + """
        async function main(env) {
          const p = env.orders.hang();
          console.log('calling');
          await rejects(p, 'capability.revoked');
          let threw = null;
          try { env.orders.lookup(1); } catch (e) { threw = e; }
          same(threw && threw.code, 'capability.revoked', 'a later call');
          console.log('revoked ok');
        }
        """), Isolation.IN_PROCESS, orders, Duration.ofSeconds(30))) {
      assertTrue(orders.slowStarted.await(20, TimeUnit.SECONDS));
      h.revoke("plugin", "orders");
      ExitStatus s = finish(h).get("plugin");
      assertEquals(0, s.code(), s.toString() + log);
    }
  }

  @BothTiers
  void shouldCancelTheFuturesOfATerminatedClient(Isolation tier) throws Exception {
    Orders orders = new Orders();
    try (Host h = launch(manifest("", """
        async function main(env) { await env.orders.hang(); }
        """), tier, orders, Duration.ofSeconds(30))) {
      assertTrue(orders.slowStarted.await(20, TimeUnit.SECONDS));
      if (tier == Isolation.IN_PROCESS) {
        h.component("plugin").terminate("test ends it");
      } else {
        new ProcessBuilder("kill", "-9", Long.toString(h.workerPid("plugin"))).start().waitFor();
      }
      finish(h);
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
      while (!orders.never.isCancelled() && System.nanoTime() < deadline) {
        Thread.sleep(10);
      }
      assertTrue(orders.never.isCancelled(), "the pending call's future is cancelled");
    }
  }

  @Test
  void shouldCancelAFutureReturnedAfterItsClientEnded() throws Exception {
    // The client ends while the method still runs: the future it then returns has no one to
    // answer and must not be left running (the window between a method's return and the host
    // taking its future).
    Orders orders = new Orders();
    try (Host h = launch(manifest("", """
        async function main(env) { await env.orders.hangPastTheEnd(); }
        """), Isolation.IN_PROCESS, orders, Duration.ofSeconds(30))) {
      assertTrue(orders.slowStarted.await(20, TimeUnit.SECONDS));
      h.component("plugin").terminate("test ends it");
      finish(h);
      orders.clientEnded.countDown();
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
      while (!orders.never.isCancelled() && System.nanoTime() < deadline) {
        Thread.sleep(10);
      }
      assertTrue(orders.never.isCancelled(), "the future returned after the client ended is cancelled");
    }
  }

  @BothTiers
  void shouldKeepWorkingWhenUserCodePatchedTheBuiltInsFirst(Isolation tier) throws Exception {
    ExitStatus s = run(tier, "", EXPECT + """
        const def = Object.defineProperty;
        def(Object.prototype, 'get', { __proto__: null, get() { throw new Error('a trap from Object.prototype ran ' + new Error().stack.split(String.fromCharCode(10)).join(' ')); }, configurable: true });
        def(Object.prototype, 'has', { __proto__: null, value() { throw new Error('has trap ran'); }, configurable: true });
        def(Array.prototype, '0', { __proto__: null, set(v) { throw new Error('Array.prototype setter ran'); }, configurable: true });
        def(Map.prototype, 'size', { __proto__: null, get() { throw new Error('Map size getter ran'); }, configurable: true });
        def(Object.prototype, 'value', { __proto__: null, get() { throw new Error('Object.prototype.value getter ran'); }, configurable: true });
        const realThen = Promise.prototype.then;
        Promise.prototype.then = function () { throw new Error('patched then ran'); };
        Function.prototype.call = function () { throw new Error('patched call ran'); };
        Function.prototype.apply = function () { throw new Error('patched apply ran'); };
        Array.prototype.push = function () { throw new Error('patched push ran'); };
        Uint8Array.prototype.set = function () { throw new Error('patched set ran'); };
        Object.keys = function () { throw new Error('patched keys ran'); };
        Symbol.iterator;
        async function main(env) {
          const m = await env.orders.echo(new Map([[1, { a: [1, 2] }]]));
          if (!(m instanceof Map)) throw new Error('no map');
          const o = await env.orders.lookup(3);
          if (o.id !== 3) throw new Error('wrong ' + o.id);
          if (!('lookup' in env.orders)) throw new Error('in');
          console.log('patched ok');
        }
        """, new Orders());
    assertEquals(0, s.code(), s.toString() + log);
    assertTrue(log.stream().anyMatch(l -> l.endsWith("patched ok")), log.toString());
  }
}
