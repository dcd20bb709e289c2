package b8g.host.io;

import java.io.FileDescriptor;
import java.io.FileInputStream;
import java.io.FileOutputStream;
import java.nio.channels.ReadableByteChannel;
import java.nio.channels.WritableByteChannel;
import java.util.Objects;

/**
 * The three standard streams a host serves as STDIN, STDOUT and STDERR grants: by default the
 * process's own descriptors 0, 1 and 2 ({@link #process()}), as {@code FileChannel}s, so bytes move
 * between the descriptor and a ring with no Java array in between. An embedder or a test may hand
 * other channels (pipes). Each output has a lock: pumps that share it write one record at a time
 * while holding it, so records of several holders never interleave. Immutable.
 */
public final class Stdio {
  private final ReadableByteChannel in;
  private final WritableByteChannel out;
  private final WritableByteChannel err;
  private final Object outLock = new Object();
  private final Object errLock = new Object();

  private Stdio(ReadableByteChannel in, WritableByteChannel out, WritableByteChannel err) {
    this.in = Objects.requireNonNull(in, "in");
    this.out = Objects.requireNonNull(out, "out");
    this.err = Objects.requireNonNull(err, "err");
  }

  /** Channels on this process's descriptors 0, 1 and 2 (not closed by the host when it ends). */
  public static Stdio process() {
    return new Stdio(new FileInputStream(FileDescriptor.in).getChannel(),
        new FileOutputStream(FileDescriptor.out).getChannel(),
        new FileOutputStream(FileDescriptor.err).getChannel());
  }

  /** The given channels; the host does not close them. Blocking channels only. */
  public static Stdio of(ReadableByteChannel in, WritableByteChannel out, WritableByteChannel err) {
    return new Stdio(in, out, err);
  }

  public ReadableByteChannel in() {
    return in;
  }

  public WritableByteChannel out() {
    return out;
  }

  public WritableByteChannel err() {
    return err;
  }

  Object outLock() {
    return outLock;
  }

  Object errLock() {
    return errLock;
  }

  /** The lock pumps writing to {@code sink} share: {@link #out()}'s or {@link #err()}'s. */
  public Object lockOf(WritableByteChannel sink) {
    return sink == out ? outLock : errLock;
  }
}
