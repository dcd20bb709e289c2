package b8g.host.worker;

import b8g.host.worker.wire.Frame;
import b8g.host.worker.wire.Hello;
import b8g.host.worker.wire.Pong;
import com.google.protobuf.ByteString;
import java.io.EOFException;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.SocketChannel;

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
