package b8g.host.worker;

import b8g.host.worker.wire.Exited;
import b8g.host.worker.wire.Frame;
import b8g.host.worker.wire.Grant;
import b8g.host.worker.wire.Hello;
import b8g.host.worker.wire.Log;
import b8g.host.worker.wire.Memory;
import b8g.host.worker.wire.Ping;
import b8g.host.worker.wire.StartComponent;
import b8g.host.worker.wire.Started;
import b8g.host.worker.wire.Wake;
import b8g.memory.Region;
import b8g.memory.RingDescriptor;
import com.google.protobuf.ByteString;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A worker process that misbehaves in one way, named by its first argument (for WorkerProcessTest
 * and HostileWorkerTest).
 *
 * <p>Before or instead of the handshake: {@code never-connects}, {@code wrong-token}, {@code
 * wrong-pid}, {@code ping-first}, {@code garbage}, {@code oversized}, {@code silent}.
 *
 * <p>After a proper handshake (it passed every check of WorkerProcess.start): it waits for the
 * host's first {@value #STARTS} StartComponent frames, says Started for each (its frames 2 and 3),
 * then breaks the protocol once with its next frame (frame 4), named by the mode; see {@link
 * #misbehave}. {@code deaf-waker} takes the first StartComponent, maps the channel memory it
 * grants, stops reading the link, and keeps setting that ring's reader-waiting flag, so that every
 * message the host's side writes sends it a Wake it never reads.
 */
public final class HostileWorkerMain {
  /** How many components a worker that passed the handshake waits for before it misbehaves. */
  static final int STARTS = 2;

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
        default -> afterHandshake(mode, c, link, token);
      }
      Thread.sleep(60_000); // stays until the host ends it
    }
  }

  /** A proper handshake, the first {@link #STARTS} components started, then {@link #misbehave}. */
  private static void afterHandshake(String mode, SocketChannel c, FrameChannel link, byte[] token) throws IOException {
    link.send(Frame.newBuilder().setHello(hello(token, ProcessHandle.current().pid()))); // frame 1
    if (link.receive().getBodyCase() != Frame.BodyCase.WELCOME) {
      throw new IllegalStateException("not welcomed");
    }
    if (mode.equals("deaf-waker")) {
      deafWaker(link);
      return;
    }
    List<StartComponent> starts = new ArrayList<>();
    while (starts.size() < STARTS) {
      Frame f = link.receive();
      if (f.getBodyCase() == Frame.BodyCase.START_COMPONENT) {
        starts.add(f.getStartComponent());
        link.send(Frame.newBuilder().setStarted(Started.newBuilder().setComponent(f.getStartComponent().getName()))); // frames 2, 3
      }
    }
    misbehave(mode, c, link, starts.get(0));
  }

  /** Frame 4 and on: {@code first} is the first component the host started here. */
  private static void misbehave(String mode, SocketChannel c, FrameChannel link, StartComponent first) throws IOException {
    String mine = first.getName();
    switch (mode) {
      // A wake-up for memory never granted on this link, and for memory granted as a region.
      case "wake-ungranted" -> link.send(Frame.newBuilder().setWake(Wake.newBuilder().setMemory(4242).setReader(true)));
      case "wake-region" -> link.send(Frame.newBuilder().setWake(Wake.newBuilder().setMemory(regionId(first)).setReader(false)));
      // Frames about a component the host does not run here.
      case "started-other" -> link.send(Frame.newBuilder().setStarted(Started.newBuilder().setComponent("not-mine")));
      case "log-other" -> link.send(Frame.newBuilder().setLog(Log.newBuilder().setComponent("not-mine").setLevel("info").setText("hi")));
      case "exited-other" -> link.send(Frame.newBuilder().setExited(exited("not-mine", "EXITED")));
      // The first component's end, then a line from it: it does not run here any more.
      case "log-after-exit" -> {
        link.send(Frame.newBuilder().setExited(exited(mine, "EXITED")));
        link.send(Frame.newBuilder().setLog(Log.newBuilder().setComponent(mine).setLevel("info").setText("still here")));
      }
      case "bad-outcome" -> link.send(Frame.newBuilder().setExited(exited(mine, "EXPLODED")));
      // Frame 4 numbered 9, or numbered 3 again.
      case "out-of-sequence" -> raw(c, Frame.newBuilder().setSeq(9).setStarted(Started.newBuilder().setComponent(mine)).build());
      case "repeated-sequence" -> raw(c, Frame.newBuilder().setSeq(3).setStarted(Started.newBuilder().setComponent(mine)).build());
      case "garbage-after-hello" -> c.write(ByteBuffer.wrap(new byte[] {5, 0, 0, 0, (byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff}));
      case "oversized-after-hello" -> c.write(ByteBuffer.wrap(new byte[] {(byte) 0xff, (byte) 0xff, (byte) 0xff, 0x7f}));
      case "no-body" -> raw(c, Frame.newBuilder().setSeq(4).build());
      case "cut-short" -> {
        c.write(ByteBuffer.wrap(new byte[] {100, 0, 0, 0, 1, 2, 3}));
        c.shutdownOutput();
      }
      default -> throw new IllegalArgumentException(mode);
    }
  }

  /**
   * Maps the ring of the first channel granted (its reading end), never reads the link again, and
   * for ever consumes whatever the writer wrote (so the writer never fills the ring) and sets the
   * reader-waiting flag (so each write wakes this worker through the host).
   */
  private static void deafWaker(FrameChannel link) throws IOException {
    Frame f;
    do {
      f = link.receive();
    } while (f.getBodyCase() != Frame.BodyCase.START_COMPONENT);
    for (Grant g : f.getStartComponent().getGrantsList()) {
      if (g.getWhatCase() == Grant.WhatCase.CHANNEL) {
        Memory m = g.getChannel().getMemory();
        Region r = Region.mapPeer(m.getName(), Path.of(m.getPeerPath()), m.getSize());
        int trailer = (int) (m.getSize() - RingDescriptor.TRAILER_LENGTH);
        Thread t = new Thread(() -> {
          ByteBuffer b = r.byteBuffer().order(ByteOrder.LITTLE_ENDIAN);
          while (true) {
            b.putInt(trailer + RingDescriptor.HEAD_OFFSET, b.getInt(trailer + RingDescriptor.TAIL_OFFSET));
            b.putInt(trailer + RingDescriptor.READER_WAITING_OFFSET, 1);
            Thread.onSpinWait();
          }
        }, "deaf-waker");
        t.setDaemon(true);
        t.start();
        System.err.println("deaf-waker: spinning on " + m.getName());
        return;
      }
    }
    throw new IllegalStateException("no channel granted");
  }

  /** The id of the first region (not channel) memory granted to {@code s}. */
  private static int regionId(StartComponent s) {
    for (Grant g : s.getGrantsList()) {
      if (g.getWhatCase() == Grant.WhatCase.REGION) {
        return g.getRegion().getId();
      }
    }
    throw new IllegalStateException(s.getName() + " was granted no region");
  }

  private static Exited exited(String component, String outcome) {
    return Exited.newBuilder().setComponent(component).setOutcome(outcome).setCode(0).setReason("done").build();
  }

  /** Writes {@code frame} as it is, sequence number included (FrameChannel would number it). */
  private static void raw(SocketChannel c, Frame frame) throws IOException {
    byte[] body = frame.toByteArray();
    ByteBuffer out = ByteBuffer.allocate(4 + body.length).order(ByteOrder.LITTLE_ENDIAN);
    out.putInt(body.length).put(body).flip();
    while (out.hasRemaining()) {
      c.write(out);
    }
  }

  private static Hello hello(byte[] token, long pid) {
    return Hello.newBuilder().setToken(ByteString.copyFrom(token)).setPid(pid).setVersion(WorkerProcess.VERSION).build();
  }
}
