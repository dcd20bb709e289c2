package b8g.cli;

import b8g.errors.B8gException;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.Writer;
import java.nio.channels.Channels;
import java.nio.channels.SeekableByteChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/**
 * The value of {@code --events} ({@code run}, {@code restore}): {@code json}
 * writes every host event as one line of JSON to standard error, {@code json:FILE} to FILE
 * (created or appended to, so several runs can share one log). Anything else is a usage error.
 *
 * @param file where the lines go, or null for standard error
 */
record EventsOption(Path file) {
  /** Parses the option's value. */
  static final class Converter implements ITypeConverter<EventsOption> {
    @Override
    public EventsOption convert(String value) {
      if (value.equals("json")) {
        return new EventsOption(null);
      }
      if (value.startsWith("json:") && value.length() > "json:".length()) {
        return new EventsOption(Path.of(value.substring("json:".length())));
      }
      throw new TypeConversionException("unknown event format \"" + value + "\"; use json (to standard error) or json:FILE");
    }
  }

  /**
   * Where the lines go: {@code err} itself (its lock keeps them whole among the other lines there),
   * or FILE opened for appending; the caller closes what this returns when it is not {@code err}.
   * FILE is never followed through a symbolic link, is created readable by this user alone (0600),
   * and an existing FILE another user owns is refused: events name this user's components and
   * files.
   */
  Writer open(PrintWriter err) {
    if (file == null) {
      return err;
    }
    SeekableByteChannel ch;
    try {
      ch = Files.newByteChannel(file, Set.of(StandardOpenOption.CREATE, StandardOpenOption.APPEND, StandardOpenOption.WRITE,
          LinkOption.NOFOLLOW_LINKS), PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
    } catch (IOException e) {
      throw new B8gException(B8gException.Category.IO, "events.open", "cannot open the event log " + file + ": "
          + e.getMessage() + "; check that its directory exists and is writable, and that it is no symbolic link", e);
    }
    try {
      int owner = (Integer) Files.getAttribute(file, "unix:uid", LinkOption.NOFOLLOW_LINKS);
      if (owner != ControlSocket.uid()) {
        throw new B8gException(B8gException.Category.IO, "events.open", "the event log " + file + " belongs to user "
            + owner + ", not to this user (" + ControlSocket.uid() + "); name a file of your own");
      }
    } catch (IOException | RuntimeException e) {
      try {
        ch.close();
      } catch (IOException x) {
        e.addSuppressed(x);
      }
      if (e instanceof B8gException b) {
        throw b;
      }
      throw new B8gException(B8gException.Category.IO, "events.open", "cannot check the owner of the event log " + file + ": "
          + e.getMessage(), e);
    }
    return new BufferedWriter(Channels.newWriter(ch, StandardCharsets.UTF_8));
  }
}
