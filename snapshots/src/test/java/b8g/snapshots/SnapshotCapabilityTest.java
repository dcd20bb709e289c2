package b8g.snapshots;

import static org.junit.jupiter.api.Assertions.*;

import b8g.components.Component.ExitStatus;
import b8g.host.Host;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The snapshot host capability: env.snapshot.take(path) from inside a component. */
class SnapshotCapabilityTest {
  @TempDir Path dir;
  final List<String> log = Collections.synchronizedList(new ArrayList<>());

  private Host.Context context(Path manifest) {
    return new Host.Context().manifest(manifest).log(log::add)
        .imageWriter(Snapshots.imageWriter());
  }

  private static Map<String, ExitStatus> finish(Host h) throws InterruptedException {
    Map<String, ExitStatus> done = h.awaitCompletion(Duration.ofSeconds(30));
    assertNotNull(done, "host did not finish");
    done.forEach((n, st) -> assertTrue(st.success(), n + " " + st));
    return done;
  }

  @Test
  void shouldRefuseAPathOutsideTheManifestDirectoryThenWriteAndResolveRestoredFalseThenTrue() throws Exception {
    Path app = Files.createDirectory(dir.resolve("app"));
    Files.writeString(app.resolve("self.js"), """
        async function main(env) {
          let state = 41;
          for (const bad of ['../outside.b8gi', '/tmp/elsewhere.b8gi', 'm.txtpb', 'self.js']) {
            try { await env.snapshot.take(bad); console.log('wrote', bad); }
            catch (e) { console.log('refused', bad, e.name, e.code); }
          }
          const r = await env.snapshot.take('self.b8gi');
          state++;
          console.log('restored', r.restored, 'state', state);
        }""");
    Path m = Files.writeString(app.resolve("m.txtpb"), """
        components { name: "self" script: "self.js" }
        grants { component: "self" host: LOG }
        grants { component: "self" host: SNAPSHOT }
        """);
    try (Host h = Host.launch(context(m).snapshots(true))) {
      finish(h);
    }
    assertEquals(List.of(
        "[self] refused ../outside.b8gi CapabilityError capability.path",
        "[self] refused /tmp/elsewhere.b8gi CapabilityError capability.path",
        "[self] refused m.txtpb CapabilityError capability.path",
        "[self] refused self.js CapabilityError capability.path",
        "[self] restored false state 42"), log);
    assertFalse(Files.exists(dir.resolve("outside.b8gi")));
    Path image = app.resolve("self.b8gi");
    assertTrue(Files.isRegularFile(image), "image written in the manifest's directory");

    log.clear();
    try (Host h = Snapshots.restore(image, context(m))) {
      finish(h);
    }
    // The same promise, settled again in the restored heap, where state was still 41.
    assertEquals(List.of("[self] restored true state 42"), log);
  }
}
