package b8g.components;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import b8g.capabilities.Capability;
import b8g.capabilities.Capability.Kind;
import b8g.capabilities.Right;
import b8g.components.Component.EnvEntry;
import b8g.components.Component.ExitStatus;
import b8g.memory.Message;
import b8g.memory.RingDescriptor;
import b8g.memory.RingReader;
import b8g.memory.RingWriter;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.time.Duration;
import java.util.EnumSet;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * A hostile server: a Java thread answers a component's calls with mutated and random bytes. Every
 * call settles (a value, or a coded error), the component never fails, and a well-formed answer
 * after all that still works. The client stub's decoder is service-values.js.
 */
class ServiceWireFuzzTest extends ComponentFixture {
  @Test
  void shouldSurviveAServerThatAnswersWithGarbage() throws Exception {
    ServiceBinding b = new ServiceBinding(ring(1 << 16), ring(1 << 16), List.of());
    int calls = 3000;
    Component c = start(new Component.Context().name("client").cpuMillisPerTurn(60_000).script("""
        async function main(env) {
          let ok = 0, corrupt = 0, other = 0;
          for (let i = 0; i < %d; i++) {
            try { await env.svc.get(i); ok++; } catch (e) {
              if (e.code === 'service.corrupt') corrupt++; else if (e.name === 'CapabilityError') other++;
              else throw new Error('unexpected ' + e.name + ': ' + e.message);
            }
          }
          const last = await env.svc.get('last');
          console.log('settled', ok + corrupt + other, 'corrupt', corrupt, 'last', JSON.stringify(last));
        }""".formatted(calls), "client.js")
        .grant(EnvEntry.of("svc", Capability.root(Kind.SERVICE, b, EnumSet.noneOf(Right.class)))));
    RingReader requests = b.requests().reader();
    RingWriter responses = b.responses().writer();
    Random random = new Random(5);
    ServiceValues.Out good = new ServiceValues.Out(5);
    ServiceValues.encode(good, List.of(1.0, "x", java.util.Map.of("a", new byte[] {1})));
    byte[] seed = new byte[good.length()];
    good.buffer().get(seed);
    for (int i = 0; i <= calls; i++) {
      Message m = requests.take(Duration.ofSeconds(30));
      assertNotNull(m, "call " + i + " arrived");
      int id = ByteBuffer.wrap(m.bytes()).order(ByteOrder.LITTLE_ENDIAN).getInt();
      byte[] answer;
      if (i == calls) {
        ServiceValues.Out out = new ServiceValues.Out(5);
        ServiceValues.encode(out, "fine");
        answer = new byte[out.length()];
        out.buffer().get(answer);
      } else if (i % 2 == 0) {
        answer = new byte[5 + random.nextInt(40)];
        random.nextBytes(answer);
      } else {
        answer = seed.clone();
        for (int k = 0; k < 3; k++) {
          answer[5 + random.nextInt(answer.length - 5)] = (byte) random.nextInt(256);
        }
      }
      // the right call id, so the garbage reaches the decoder of that call
      ByteBuffer.wrap(answer).order(ByteOrder.LITTLE_ENDIAN).putInt(0, id);
      if (i == calls || random.nextBoolean()) {
        answer[4] = (byte) (i == calls ? 0 : random.nextInt(2));
      }
      assertTrue(responses.write(answer, RingDescriptor.TYPE_BYTES, Duration.ofSeconds(30)));
      b.responses().wakeReader();
    }
    ExitStatus s = c.awaitExit(Duration.ofSeconds(60));
    assertNotNull(s);
    assertEquals(0, s.code(), s + " " + log);
    assertTrue(log.stream().anyMatch(l -> l.contains("settled " + calls) && l.endsWith("last \"fine\"")), log.toString());
  }
}
