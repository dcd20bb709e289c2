package b8g.snapshots;

import static org.junit.jupiter.api.Assertions.*;

import b8g.components.Component.ExitStatus;
import b8g.host.Host;
import b8g.memory.RingDescriptor;
import b8g.memory.RingWriter;
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

/**
 * Whole-host images of a composition: three components in a pipeline over two channels between
 * them, all three writing their progress into one shared region, taken mid-stream into one image
 * and restored (in this JVM, repeatedly, and in a new one). Every number must reach the end
 * exactly once.
 */
class MultiComponentSnapshotTest {
  static final String[] STAGES = {"doubler", "adder", "sink"};
  /** The sink's sum of 2i+1 for i = 1..40. */
  static final String DONE_LINE = "[sink] sum 1680 n 40";

  @TempDir Path dir;
  final List<String> log = Collections.synchronizedList(new ArrayList<>());

  static Path manifest(Path dir) throws Exception {
    Files.writeString(dir.resolve("doubler.js"), """
        async function main(env) {
          let n = 0;
          for await (const m of env.in) {
            const p = env.out.write(String(2 * Number(m)));
            if (p) await p;
            new DataView(env.stats.buffer).setUint32(0, ++n, true);
          }
          await env.out.close();
        }""");
    Files.writeString(dir.resolve("adder.js"), """
        async function main(env) {
          let n = 0;
          for await (const m of env.in) {
            const p = env.out.write(String(Number(m) + 1));
            if (p) await p;
            new DataView(env.stats.buffer).setUint32(4, ++n, true);
          }
          await env.out.close();
        }""");
    Files.writeString(dir.resolve("sink.js"), """
        async function main(env) {
          let sum = 0, n = 0;
          const seen = new Set();
          for await (const m of env.in) {
            if (seen.has(m)) console.log('duplicate', m);
            seen.add(m);
            sum += Number(m); n++;
            new DataView(env.stats.buffer).setUint32(8, n, true);
          }
          console.log('sum', sum, 'n', n);
        }""");
    return Files.writeString(dir.resolve("three.txtpb"), """
        components { name: "doubler" script: "doubler.js" }
        components { name: "adder" script: "adder.js" }
        components { name: "sink" script: "sink.js" }
        channels { name: "numbers" capacity: 4096 backing: ANONYMOUS }
        channels { name: "doubled" capacity: 4096 backing: ANONYMOUS }
        channels { name: "odd" capacity: 4096 backing: ANONYMOUS }
        regions { name: "stats" size: 4096 backing: ANONYMOUS }
        grants { component: "doubler" channel: "numbers" rights: READ as: "in" }
        grants { component: "doubler" channel: "doubled" rights: WRITE as: "out" }
        grants { component: "adder" channel: "doubled" rights: READ as: "in" }
        grants { component: "adder" channel: "odd" rights: WRITE as: "out" }
        grants { component: "sink" channel: "odd" rights: READ as: "in" }
        grants { component: "doubler" region: "stats" rights: READ rights: WRITE }
        grants { component: "adder" region: "stats" rights: READ rights: WRITE }
        grants { component: "sink" region: "stats" rights: READ rights: WRITE }
        grants { component: "sink" host: LOG }
        """);
  }

  static void send(RingWriter w, int from, int to) {
    for (int i = from; i <= to; i++) {
      assertTrue(w.write(String.valueOf(i).getBytes(), RingDescriptor.TYPE_TEXT, Duration.ofSeconds(10)));
    }
  }

  /** What stage {@code i} (0 doubler, 1 adder, 2 sink) has handled, as it wrote into the region. */
  static int count(Host h, int stage) {
    return h.region("stats").byteBuffer().order(ByteOrder.LITTLE_ENDIAN).getInt(4 * stage);
  }

  static void awaitSink(Host h, int n) throws InterruptedException {
    for (int i = 0; i < 4000 && count(h, 2) < n; i++) {
      Thread.sleep(5);
    }
    assertTrue(count(h, 2) >= n, "sink stuck at " + count(h, 2));
  }

  /** Sends {@code from}..40 and the end; every stage must have handled all 40, and all end well. */
  static void finishStream(Host h, int from) throws Exception {
    finishStream(h, h.channel("numbers").writer(), from);
  }

  static void finishStream(Host h, RingWriter w, int from) throws Exception {
    send(w, from, 40);
    w.close(Duration.ofSeconds(10));
    Map<String, ExitStatus> done = h.awaitCompletion(Duration.ofSeconds(30));
    assertNotNull(done, "host did not finish");
    assertEquals(3, done.size(), done.toString());
    done.forEach((n, st) -> assertTrue(st.success(), n + " " + st));
    for (int s = 0; s < 3; s++) {
      assertEquals(40, count(h, s), STAGES[s] + " count (region shared again after restore)");
    }
  }

  /** 1..20 through all three, 21..25 written (somewhere in the pipeline or not read yet), then the image. */
  private Path takeMidStream(Path m, String name) throws Exception {
    Path image = dir.resolve(name);
    try (Host h = Host.launch(new Host.Context().manifest(m).log(log::add).snapshots(true))) {
      RingWriter w = h.channel("numbers").writer();
      send(w, 1, 20);
      awaitSink(h, 20);
      send(w, 21, 25);
      Snapshots.ImageSummary s = Snapshots.write(h, image, Duration.ofSeconds(10));
      assertEquals(List.of(STAGES), s.components());
    }
    assertEquals(List.of(), log, "nothing ended before the image");
    return image;
  }

  @Test
  void shouldSnapshotThreeComponentsIntoOneImageAndRestoreTheCompositionRepeatedly() throws Exception {
    Path m = manifest(dir);
    Path first = takeMidStream(m, "first.b8gi");
    StackImage image = StackImage.open(first, Snapshots.compatibility());
    assertEquals(3, image.componentCount());

    // Restored here, next to nothing: goes on, is taken again mid-stream, and finishes once.
    Path second = dir.resolve("second.b8gi");
    try (Host h = Snapshots.restore(image, new Host.Context().manifest(m).log(log::add))) {
      RingWriter w = h.channel("numbers").writer();
      send(w, 26, 30);
      awaitSink(h, 30);
      assertEquals(List.of(STAGES), Snapshots.write(h, second, Duration.ofSeconds(10)).components());
      finishStream(h, w, 31);
    }
    assertEquals(List.of(DONE_LINE), log);
    log.clear();

    // The image of the restored composition, restored in turn: the rest of the stream, once.
    try (Host h = Snapshots.restore(second, new Host.Context().manifest(m).log(log::add))) {
      finishStream(h, 31);
    }
    assertEquals(List.of(DONE_LINE), log);
    log.clear();

    // And the first image again, while nothing of its lineages runs any more.
    try (Host h = Snapshots.restore(first, new Host.Context().manifest(m).log(log::add))) {
      finishStream(h, 26);
    }
    assertEquals(List.of(DONE_LINE), log);
  }

  @Test
  void shouldRestoreTheCompositionInANewJvm() throws Exception {
    Path m = manifest(dir);
    Path file = takeMidStream(m, "three.b8gi");
    String out = RestoreMain.inNewJvm(file.toString(), m.toString(), "three");
    assertEquals(1, out.split(java.util.regex.Pattern.quote(DONE_LINE), -1).length - 1, out);
  }

  @Test
  void shouldRefuseAContextWithAnotherReadOnlyHeapBeforeV8SeesIt() throws Exception {
    Path m = manifest(dir);
    Path file = takeMidStream(m, "ro.b8gi");
    StackImage image = StackImage.open(file, Snapshots.compatibility());
    // Make the adder's context look as if objects had been promoted into its read-only part (a
    // blob taken without the read-only anchor): V8 14.7's header keeps that part's offset at byte
    // 80 and the next part's at 84. V8 would take it without a look and crash.
    java.nio.ByteBuffer b = image.contextBlob(1);
    byte[] blob = new byte[b.remaining()];
    b.get(blob);
    java.nio.ByteBuffer h = java.nio.ByteBuffer.wrap(blob).order(ByteOrder.LITTLE_ENDIAN);
    h.putInt(84, h.getInt(84) + 48);
    StackImageWriter w = new StackImageWriter(Snapshots.compatibility()).manifest(image.manifest());
    for (int i = 0; i < image.componentCount(); i++) {
      if (i == 1) {
        w.addContext(image.componentNames().get(i), java.nio.ByteBuffer.wrap(blob));
      } else {
        w.addContext(image.componentNames().get(i), image.contextBlob(i));
      }
    }
    Path bad = dir.resolve("bad.b8gi");
    w.writeTo(bad);
    ImageException e = assertThrows(ImageException.class, () -> Snapshots.restore(bad, new Host.Context().manifest(m)));
    assertEquals(ImageException.INCOMPATIBLE, e.code());
    assertTrue(e.getMessage().contains("adder") && e.getMessage().contains("read-only heap"), e.getMessage());
  }
}
