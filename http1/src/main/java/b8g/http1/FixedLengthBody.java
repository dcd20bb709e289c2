package b8g.http1;

import java.io.IOException;
import java.io.InputStream;
import java.util.Objects;

/** A body of a declared length: exactly that many bytes, then -1; a connection that ends before is a {@link CutShortException}. */
final class FixedLengthBody extends InputStream {
  private final InputStream in;
  private final long length;
  /** The byte of the response where the body begins. */
  private final long start;
  private long read;

  FixedLengthBody(InputStream in, long length, long start) {
    this.in = in;
    this.length = length;
    this.start = start;
  }

  @Override
  public int read() throws IOException {
    if (read == length) {
      return -1;
    }
    int c = in.read();
    if (c < 0) {
      throw cutShort();
    }
    read++;
    return c;
  }

  @Override
  public int read(byte[] b, int off, int len) throws IOException {
    Objects.checkFromIndexSize(off, len, b.length);
    if (read == length) {
      return -1;
    }
    if (len == 0) {
      return 0;
    }
    int n = in.read(b, off, (int) Math.min(len, length - read));
    if (n < 0) {
      throw cutShort();
    }
    read += n;
    return n;
  }

  private CutShortException cutShort() {
    return new CutShortException("the connection ended at body byte " + read + " of the " + length
        + " the Content-Length declares, at byte " + (start + read));
  }

  @Override
  public int available() throws IOException {
    return (int) Math.min(in.available(), length - read);
  }

  @Override
  public void close() throws IOException {
    in.close();
  }
}
