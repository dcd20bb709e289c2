package b8g.memory;

import b8g.errors.B8gException;
import b8g.errors.B8gException.Category;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;

/**
 * The JavaScript side of the ring as text: a classic-script expression that evaluates to the ring
 * factory {@code R}. It is {@code b8g/memory/ring.js} wrapped in a function, with the layout
 * declared ahead of it from {@link RingDescriptor} ({@link #layout()}): the magic, version,
 * capacities, trailer length, the Int32 index of every trailer word and the record types exist
 * once, in Java. This module only ships the text; the component layer evaluates it in each
 * isolate before user code runs.
 */
public final class RingScript {
  private static final String RESOURCE = "/b8g/memory/ring.js";
  private static volatile String source;

  private RingScript() {}

  /** The ring factory's source: the layout, then ring.js, as one expression. Built once. */
  public static String source() {
    String text = source;
    if (text == null) {
      try (InputStream in = RingScript.class.getResourceAsStream(RESOURCE)) {
        if (in == null) {
          throw new B8gException(
              Category.INTERNAL, "memory.resource", RESOURCE + " is missing from the class path");
        }
        text = "(function () {\n'use strict';\n" + layout()
            + new String(in.readAllBytes(), StandardCharsets.UTF_8) + "})()";
      } catch (IOException e) {
        throw new B8gException(
            Category.INTERNAL, "memory.resource", "cannot read " + RESOURCE + ": " + e.getMessage(), e);
      }
      source = text;
    }
    return text;
  }

  /**
   * The layout as JavaScript {@code const} declarations, under the names ring.js uses. Trailer
   * words are Int32 indices relative to {@code capacity / 4} (their byte offset over 4); the
   * float64 counts ({@code *_D}) Float64 indices relative to {@code capacity / 8}.
   */
  static String layout() {
    StringBuilder b = new StringBuilder("// The layout, written from b8g.memory.RingDescriptor.\n");
    declare(b, "MAGIC", RingDescriptor.MAGIC);
    declare(b, "VERSION_MAJOR", RingDescriptor.VERSION_MAJOR);
    declare(b, "MIN_CAPACITY", RingDescriptor.MIN_CAPACITY);
    declare(b, "MAX_CAPACITY", RingDescriptor.MAX_CAPACITY);
    declare(b, "TRAILER", RingDescriptor.TRAILER_LENGTH);
    declare(b, "MAGIC_I", RingDescriptor.MAGIC_OFFSET / 4);
    declare(b, "VERSION_I", RingDescriptor.VERSION_OFFSET / 4);
    declare(b, "CAPACITY_I", RingDescriptor.CAPACITY_OFFSET / 4);
    declare(b, "MAX_PAYLOAD_I", RingDescriptor.MAX_PAYLOAD_OFFSET / 4);
    declare(b, "WRITER_STATE_I", RingDescriptor.WRITER_STATE_OFFSET / 4);
    declare(b, "READER_STATE_I", RingDescriptor.READER_STATE_OFFSET / 4);
    declare(b, "TAIL_I", RingDescriptor.TAIL_OFFSET / 4);
    declare(b, "HEAD_I", RingDescriptor.HEAD_OFFSET / 4);
    declare(b, "READER_WAITING_I", RingDescriptor.READER_WAITING_OFFSET / 4);
    declare(b, "WRITER_WAITING_I", RingDescriptor.WRITER_WAITING_OFFSET / 4);
    declare(b, "MESSAGES_WRITTEN_D", RingDescriptor.MESSAGES_WRITTEN_OFFSET / 8);
    declare(b, "MESSAGES_READ_D", RingDescriptor.MESSAGES_READ_OFFSET / 8);
    declare(b, "PADDING", RingDescriptor.TYPE_PADDING);
    declare(b, "BYTES", RingDescriptor.TYPE_BYTES);
    declare(b, "TEXT", RingDescriptor.TYPE_TEXT);
    declare(b, "END", RingDescriptor.TYPE_END);
    return b.toString();
  }

  private static void declare(StringBuilder b, String name, int value) {
    b.append("const ").append(name).append(" = ").append(value).append(";\n");
  }
}
