package b8g.snapshots;

import static org.junit.jupiter.api.Assertions.*;

import b8g.components.Component.ExitStatus;
import b8g.host.Host;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Whole-host images: taken mid-stream, restored in this JVM and in a new one. */
class HostSnapshotTest {
  @TempDir Path dir;
  final List<String> log = Collections.synchronizedList(new ArrayList<>());

  private Path manifest() throws Exception {
    // One component; MultiComponentSnapshotTest images a composition of three.
    Files.writeString(dir.resolve("consumer.js"), """
        async function main(env) {
          let sum = 0, n = 0;
          for await (const m of env.in) {
            sum += Number(m); n++;
            new DataView(env.stats.buffer).setUint32(0, n, true);
          }
          console.log('sum', sum, 'n', n);
        }""");
    return Files.writeString(dir.resolve("m.txtpb"), """
        components { name: "consumer" script: "consumer.js" }
        channels { name: "numbers" capacity: 4096 backing: ANONYMOUS }
        regions { name: "stats" size: 4096 backing: ANONYMOUS }
        grants { component: "consumer" channel: "numbers" rights: READ as: "in" }
        grants { component: "consumer" region: "stats" rights: READ rights: WRITE }
        grants { component: "consumer" host: LOG }
        """);
  }

  private static void send(Host h, b8g.memory.RingWriter w, int from, int to) {
    for (int i = from; i <= to; i++) {
      assertTrue(w.write(String.valueOf(i).getBytes(), b8g.memory.RingDescriptor.TYPE_TEXT, Duration.ofSeconds(10)));
    }
  }

  private static int count(Host h) {
    return h.region("stats").byteBuffer().order(ByteOrder.LITTLE_ENDIAN).getInt(0);
  }

  /** 1..20 read, 21..25 written (read or not), then the image; the original host is closed. */
  private Path takeMidStream(Path m) throws Exception {
    Path image = dir.resolve("stack.b8gi");
    try (Host h = Host.launch(new Host.Context().manifest(m).log(log::add).snapshots(true))) {
      b8g.memory.RingWriter w = h.channel("numbers").writer();
      send(h, w, 1, 20);
      for (int i = 0; i < 2000 && count(h) < 20; i++) {
        Thread.sleep(5);
      }
      send(h, w, 21, 25);
      Snapshots.ImageSummary s = Snapshots.write(h, image, Duration.ofSeconds(10));
      assertEquals(List.of("consumer"), s.components());
    }
    log.clear();
    return image;
  }

  /** Restores and sends 26..40 and the end; the component must report every number exactly once. */
  static void finishStream(Host h) throws Exception {
    b8g.memory.RingWriter w = h.channel("numbers").writer();
    send(h, w, 26, 40);
    w.close(Duration.ofSeconds(10));
    Map<String, ExitStatus> done = h.awaitCompletion(Duration.ofSeconds(30));
    assertNotNull(done, "restored host did not finish");
    done.forEach((n, st) -> assertTrue(st.success(), n + " " + st));
    assertEquals(40, count(h), "region shared again after restore");
  }

  private static int savedCount(StackImage image) {
    for (int i = 0; i < image.regions().size(); i++) {
      if (image.regions().get(i).name().equals("stats")) {
        return image.regionBytes(i).order(ByteOrder.LITTLE_ENDIAN).getInt(0);
      }
    }
    throw new AssertionError("no stats region in the image");
  }

  @Test
  void shouldRestoreAWholeHostMidStreamAndFinishTheStreamExactlyOnce() throws Exception {
    Path m = manifest();
    Path file = takeMidStream(m);
    StackImage image = StackImage.open(file, Snapshots.compatibility());
    int saved = savedCount(image);
    assertTrue(saved >= 20 && saved <= 25, "snapshot was not mid-stream: " + saved);
    try (Host h = Snapshots.restore(image, new Host.Context().manifest(m).log(log::add))) {
      finishStream(h);
    }
    assertEquals(List.of("[consumer] sum 820 n 40"), log);
  }

  @Test
  void shouldRestoreInANewJvm() throws Exception {
    Path m = manifest();
    Path file = takeMidStream(m);
    String out = RestoreMain.inNewJvm(file.toString(), m.toString());
    assertTrue(out.contains("[consumer] sum 820 n 40"), out);
  }

  @Test
  void shouldRefuseAnImageFromAnotherV8BeforeV8SeesIt() throws Exception {
    Compatibility here = Snapshots.compatibility();
    Compatibility other = new Compatibility(here.engine(), here.javetVersion(), here.v8Version() + ".1", here.os(), here.arch(), here.v8Flags(), here.abiVersion());
    Path file = dir.resolve("other.b8gi");
    StackImageWriter w = new StackImageWriter(other);
    w.addContext("x", java.nio.ByteBuffer.wrap(new byte[] {1, 2, 3}));
    w.writeTo(file);
    ImageException e = assertThrows(ImageException.class, () -> Snapshots.restore(file, new Host.Context().manifest(manifest())));
    assertEquals(ImageException.INCOMPATIBLE, e.code());
    assertTrue(e.getMessage().contains("V8 version"), e.getMessage());
  }

  @Test
  void shouldRefuseAnImageOfAnotherArchitectureAndRestoreTheRealOneAfter() throws Exception {
    Path m = manifest();
    Path file = takeMidStream(m);
    // The same image as if taken on another CPU: its arch field patched, checksums recomputed.
    Images.Surgery s = new Images.Surgery(Files.readAllBytes(file));
    String here = s.compatibilityValue("arch");
    assertEquals(Snapshots.compatibility().arch(), here);
    String other = List.of("aarch64", "riscv64", "x86_64", "armv7l", "s390x", "arm64").stream()
        .filter(a -> a.length() == here.length() && !Compatibility.canonicalArch(a).equals(here))
        .findFirst().orElseThrow(() -> new AssertionError("no other architecture named in " + here.length() + " bytes"));
    Path foreign = dir.resolve("foreign.b8gi");
    Files.write(foreign, s.compatibilityValue("arch", other).bytes);

    ImageException e = assertThrows(ImageException.class, () -> Snapshots.restore(foreign, new Host.Context().manifest(m)));
    assertEquals(ImageException.INCOMPATIBLE, e.code());
    assertTrue(e.getMessage().startsWith(foreign + ": "), e.getMessage());
    assertTrue(e.getMessage().contains("\"" + other + "\" (COMPATIBILITY key \"arch\") but this machine is \"" + here + "\""),
        e.getMessage());
    // Refused before V8 saw a byte: this JVM restores the real image and finishes the stream.
    try (Host h = Snapshots.restore(file, new Host.Context().manifest(m).log(log::add))) {
      finishStream(h);
    }
    assertEquals(List.of("[consumer] sum 820 n 40"), log);
  }
}
