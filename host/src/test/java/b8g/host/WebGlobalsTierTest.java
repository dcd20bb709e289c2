package b8g.host;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import b8g.components.Component.ExitStatus;
import b8g.host.manifest.schema.Isolation;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * The web globals that call the host (crypto, performance) and the rest of them work alike in
 * this JVM and in a worker process: they need only the dispatcher, no HostServices.
 */
class WebGlobalsTierTest extends HostFixture {
  @BothTiers
  void shouldComputeDigestsRandomnessAndClonesInEitherTier(Isolation tier) throws Exception {
    write("web.js", """
        const hex = (b) => [...new Uint8Array(b)].map((x) => x.toString(16).padStart(2, '0')).join('');
        async function main(env) {
          const te = new TextEncoder();
          const key = await crypto.subtle.importKey('raw', te.encode('Jefe'), { name: 'HMAC', hash: 'SHA-256' }, false, ['sign']);
          const t0 = performance.now();
          const c = structuredClone({ m: new Map([[1, new Uint8Array(crypto.getRandomValues(new Uint8Array(4)))]]) });
          console.log(hex(await crypto.subtle.digest('SHA-256', te.encode('abc'))).slice(0, 16),
            hex(await crypto.subtle.sign('HMAC', key, te.encode('what do ya want for nothing?'))).slice(0, 16),
            crypto.randomUUID()[14], c.m.get(1).length, performance.now() >= t0, atob(btoa('ok')), typeof AbortSignal.timeout(5));
        }""");
    Path m = write("m.txtpb", """
        components { name: "web" script: "web.js" }
        grants { component: "web" host: LOG }
        """);
    Map<String, ExitStatus> done;
    try (Host h = launch(m, tier)) {
      done = finish(h, Duration.ofSeconds(30));
    }
    assertTrue(done.get("web").success(), done.get("web").toString());
    assertEquals(List.of("[web] ba7816bf8f01cfea 5bdcc146bf60754e 4 4 true ok object"), log);
  }
}
