package b8g.http1;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Random;

/** Bytes as a server might send them: at most a few bytes per read, so that every boundary falls inside a read somewhere. */
final class Trickle extends InputStream {
  private final ByteArrayInputStream in;
  private final Random random;
  private final int most;

  Trickle(byte[] bytes, long seed, int most) {
    this.in = new ByteArrayInputStream(bytes);
    this.random = new Random(seed);
    this.most = most;
  }

  static Trickle of(String ascii) {
    return new Trickle(ascii.getBytes(StandardCharsets.ISO_8859_1), 1, 3);
  }

  @Override
  public int read() {
    return in.read();
  }

  @Override
  public int read(byte[] b, int off, int len) {
    return len == 0 ? 0 : in.read(b, off, Math.min(len, 1 + random.nextInt(most)));
  }

  @Override
  public int available() {
    return Math.min(in.available(), 1);
  }

  /** What is left unread. */
  String rest() {
    return new String(in.readAllBytes(), StandardCharsets.ISO_8859_1);
  }
}
