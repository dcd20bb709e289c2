package b8g.host;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import b8g.components.Component.ExitStatus;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * A writer waiting on a full ring is woken once its reader has freed room, however the reader
 * goes on: a reader that frees a little and then waits for something else must still wake it, or
 * both would wait for ever. Any scheme that puts wake-ups off (bench/experiments'
 * writer-wake-hysteresis.patch wakes at half a ring free) has to pass this.
 */
class ChannelWakeUpTest extends HostFixture {
  @Test
  void shouldWakeAWriterForRoomItsReaderFreedBeforeWaitingOnSomethingElse() throws Exception {
    // The writer fills the ring, starts one more write (which waits for room), says so on `st`,
    // and answers on `ctl` only once that write went through. The reader takes one message (far
    // less than half the ring) and then waits on `ctl`.
    write("writer.js", """
        async function main(env) {
          const m = new Uint8Array(4096);
          let n = 0;
          while (env.out.tryWrite(m)) n++;
          const blocked = env.out.write(m);
          console.log('ring full after', n, 'messages; the next write waits:', blocked !== undefined);
          env.st.write('full');
          await blocked;
          env.ctl.write('written');
          await env.out.close();
          console.log('writer done');
        }""");
    write("reader.js", """
        async function main(env) {
          await env.st.read();
          const first = env.in.tryRead();
          console.log('took', first.length, 'bytes, then waits on ctl');
          console.log('ctl:', await env.ctl.read());
          let n = 1;
          for await (const m of env.in) n++;
          console.log('reader read', n, 'messages');
        }""");
    Path manifest = write("m.txtpb", """
        components { name: "writer" script: "writer.js" }
        components { name: "reader" script: "reader.js" }
        channels { name: "c" capacity: 65536 backing: ANONYMOUS }
        channels { name: "st" backing: ANONYMOUS }
        channels { name: "ctl" backing: ANONYMOUS }
        grants { component: "writer" channel: "c" rights: WRITE as: "out" }
        grants { component: "reader" channel: "c" rights: READ as: "in" }
        grants { component: "writer" channel: "st" rights: WRITE as: "st" }
        grants { component: "reader" channel: "st" rights: READ as: "st" }
        grants { component: "writer" channel: "ctl" rights: WRITE as: "ctl" }
        grants { component: "reader" channel: "ctl" rights: READ as: "ctl" }
        grants { component: "writer" host: LOG }
        grants { component: "reader" host: LOG }
        """);
    Map<String, ExitStatus> done;
    try (Host h = launch(manifest)) {
      done = finish(h);
    }
    assertTrue(done.get("writer").success() && done.get("reader").success(), done + " log " + log);
    // 65536 bytes of ring hold 15 records of 4096 + 8 bytes.
    assertEquals(List.of("[writer] ring full after 15 messages; the next write waits: true", "[writer] writer done"),
        of("[writer]"));
    assertEquals(List.of("[reader] took 4096 bytes, then waits on ctl", "[reader] ctl: written",
        "[reader] reader read 16 messages"), of("[reader]"));
  }

  private List<String> of(String prefix) {
    synchronized (log) {
      return log.stream().filter(l -> l.startsWith(prefix)).toList();
    }
  }
}
