package b8g.host.worker;

import b8g.components.Component;
import b8g.host.worker.wire.Frame;
import b8g.host.worker.wire.Hello;
import b8g.host.worker.wire.Pong;
import com.google.protobuf.ByteString;
import java.io.EOFException;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.SocketChannel;
import java.time.Duration;

/**
 * A worker process's entry: reads its one-time token from standard input, connects to the socket
 * named by its last argument, says Hello, and serves the link ({@link WorkerHost} runs the
 * components it is given) until the host says Goodbye or the link closes (the host ended, even by
 * kill -9). Exit codes: 0 on goodbye or end of file, 2 for a
 * bad start (no token, no socket), 3 when the host did not welcome it, 4 when the host sent
 * garbage.
 */
public final class WorkerMain {
  private WorkerMain() {}

  public static void main(String[] args) {
    System.exit(run(args));
  }

  /**
   * Runs one throwaway component and fills this process's isolate pool before the worker
   * connects: a spare is then ready for a component's start (V8 loaded, the start path's classes
   * loaded, an isolate with the prelude evaluated), not only a JVM that has run nothing. Bounded: a
   * worker that cannot warm up still connects, and its first start is cold.
   */
  private static void warmEngine() {
    Component.pool(Integer.getInteger("b8g.pool.size", 2));
    long deadline = System.nanoTime() + 10_000_000_000L;
    try {
      Component c = Component.start(new Component.Context().name("warm-up").script("function main(env) {}", "warm-up.js"));
      c.awaitExit(Duration.ofSeconds(10));
      while (Component.pooledIsolates() == 0 && System.nanoTime() - deadline < 0) {
        Thread.sleep(1);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (RuntimeException e) {
      System.err.println("b8g worker: could not warm up: " + e);
    }
  }

  /** Runs a worker: {@code args} ends with the socket's path; the exit code. */
  public static int run(String[] args) {
    if (args.length < 1) {
      System.err.println("b8g worker: the socket path is missing");
      return 2;
    }
    byte[] token;
    try {
      token = System.in.readNBytes(33);
    } catch (IOException e) {
      System.err.println("b8g worker: cannot read the token: " + e.getMessage());
      return 2;
    }
    if (token.length != 32) {
      System.err.println("b8g worker: expected a 32-byte token on standard input, got " + token.length + " bytes");
      return 2;
    }
    warmEngine();
    try (SocketChannel channel = SocketChannel.open(StandardProtocolFamily.UNIX)) {
      channel.connect(UnixDomainSocketAddress.of(args[args.length - 1]));
      FrameChannel link = new FrameChannel(channel, "host");
      link.send(Frame.newBuilder().setHello(Hello.newBuilder()
          .setToken(ByteString.copyFrom(token)).setPid(ProcessHandle.current().pid()).setVersion(WorkerProcess.VERSION)));
      if (link.receive().getBodyCase() != Frame.BodyCase.WELCOME) {
        System.err.println("b8g worker: the host did not welcome this worker");
        return 3;
      }
      WorkerHost components = new WorkerHost(link);
      while (true) {
        Frame f = link.receive();
        switch (f.getBodyCase()) {
          case PING -> link.send(Frame.newBuilder().setPong(Pong.newBuilder().setNonce(f.getPing().getNonce())));
          case MODULE_FILE -> components.module(f.getModuleFile());
          case START_COMPONENT -> components.start(f.getStartComponent());
          case TERMINATE -> components.terminate(f.getTerminate());
          case WAKE -> components.wake(f.getWake());
          case REVOKE -> components.revoke(f.getRevoke());
          case GOODBYE -> {
            components.terminateAll("the host closed the worker");
            return 0;
          }
          default -> { } // what a host does not send
        }
      }
    } catch (EOFException e) {
      return 0; // the host is gone: a worker never outlives it
    } catch (WorkerException e) {
      System.err.println("b8g worker: " + e.getMessage());
      return 4;
    } catch (IOException e) {
      System.err.println("b8g worker: " + e.getMessage());
      return 2;
    }
  }
}
