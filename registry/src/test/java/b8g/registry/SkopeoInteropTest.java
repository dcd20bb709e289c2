package b8g.registry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** skopeo (installed by .ci/run) reads what b8g writes, and b8g reads what skopeo writes. */
class SkopeoInteropTest extends WithRegistryServer {
  @TempDir Path home;

  @Test
  void shouldReadAUnitSkopeoCopiedFromTheRegistryIntoALayout() throws Exception {
    Unit unit = Fixtures.unit("interop", "to-layout");
    try (Registry reg = Fixtures.open(home)) {
      reg.push(unit, server.host + "/interop/a:1");
    }
    Path layout = home.resolve("layout");
    skopeo("copy", "--src-tls-verify=false", "docker://" + server.host + "/interop/a:1", "oci:" + layout + ":a1");
    OciStore store = OciStore.open(layout, 4 << 20);
    Descriptor d = store.index().resolve("a1").orElseThrow();
    OciJson.Manifest m = OciJson.parseManifest(store.blobs().readManifest(d.digest()), "skopeo copy");
    Fixtures.assertSameFiles(unit, Unit.fromOci(m, store.blobs()::read, "skopeo copy"));
    assertEquals(List.of(), StoreGc.verify(store));

    // skopeo writing straight into b8g's own store, next to what is there
    try (Registry reg = Fixtures.open(home.resolve("own"))) {
      Unit kept = Fixtures.unit("kept", "k");
      reg.push(kept, "kept:1");
      skopeo("copy", "--src-tls-verify=false", "docker://" + server.host + "/interop/a:1", "oci:" + reg.storePath() + ":interop/a:1");
      Fixtures.assertSameFiles(unit, reg.pull("interop/a:1"));
      Fixtures.assertSameFiles(kept, reg.pull("kept:1"));
      assertEquals(List.of(), reg.check());
    }
  }

  @Test
  void shouldPullAUnitSkopeoCopiedFromTheStoreToTheRegistry() throws Exception {
    Unit unit = Fixtures.unit("interop", "from-store");
    Descriptor d;
    Path store;
    try (Registry reg = Fixtures.open(home.resolve("a"))) {
      d = reg.push(unit, "interop/b:1");
      store = reg.storePath();
    }
    skopeo("copy", "--dest-tls-verify=false", "oci:" + store + ":interop/b:1", "docker://" + server.host + "/interop/b:1");
    try (Registry reg = Fixtures.open(home.resolve("b"))) {
      Fixtures.assertSameFiles(unit, reg.pull(server.host + "/interop/b:1"));
      assertEquals(d.digest(), reg.store().index().resolve(server.host + "/interop/b:1").orElseThrow().digest(),
          "skopeo kept the manifest byte for byte");
    }
  }

  private void skopeo(String... args) throws Exception {
    Path bin = Path.of("/usr/bin/skopeo");
    if (!Files.isExecutable(bin)) {
      fail("skopeo is missing: .ci/run installs it (apt-get install skopeo)");
    }
    List<String> cmd = new ArrayList<>(List.of(bin.toString(), "--insecure-policy", "--tmpdir", home.toString()));
    cmd.addAll(List.of(args));
    Path log = home.resolve("skopeo.log");
    ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile());
    pb.environment().put("HOME", home.toString());
    Process p = pb.start();
    if (!p.waitFor(120, TimeUnit.SECONDS)) {
      p.destroyForcibly().waitFor();
      fail("skopeo did not finish: " + Files.readString(log));
    }
    assertEquals(0, p.exitValue(), () -> String.join(" ", cmd) + "\n" + read(log));
  }

  private static String read(Path p) {
    try {
      return Files.readString(p);
    } catch (java.io.IOException e) {
      return e.toString();
    }
  }
}
