package b8g.host.worker;

import b8g.host.worker.wire.Frame;
import b8g.host.worker.wire.Hello;
import b8g.host.worker.wire.Ping;
import com.google.protobuf.ByteString;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;

/** A worker process that misbehaves in one way, named by its first argument (for WorkerProcessTest). */
public final class HostileWorkerMain {
  private HostileWorkerMain() {}

  public static void main(String[] args) throws Exception {
    String mode = args[0];
    byte[] token = System.in.readNBytes(32);
    if (mode.equals("never-connects")) {
      Thread.sleep(60_000);
      return;
    }
    try (SocketChannel c = SocketChannel.open(StandardProtocolFamily.UNIX)) {
      c.connect(UnixDomainSocketAddress.of(args[args.length - 1]));
      FrameChannel link = new FrameChannel(c, "host");
      switch (mode) {
        case "wrong-token" -> {
          token[0] ^= 1;
          link.send(Frame.newBuilder().setHello(hello(token, ProcessHandle.current().pid())));
        }
        case "wrong-pid" -> link.send(Frame.newBuilder().setHello(hello(token, 1)));
        case "ping-first" -> link.send(Frame.newBuilder().setPing(Ping.newBuilder().setNonce(7)));
        case "garbage" -> c.write(ByteBuffer.wrap(new byte[] {5, 0, 0, 0, (byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff}));
        case "oversized" -> c.write(ByteBuffer.wrap(new byte[] {(byte) 0xff, (byte) 0xff, (byte) 0xff, 0x7f}));
        case "silent" -> Thread.sleep(60_000);
        default -> throw new IllegalArgumentException(mode);
      }
      Thread.sleep(60_000); // stays until the host ends it
    }
  }

  private static Hello hello(byte[] token, long pid) {
    return Hello.newBuilder().setToken(ByteString.copyFrom(token)).setPid(pid).setVersion(WorkerProcess.VERSION).build();
  }
}
