package b8g.cli;

import b8g.errors.B8gException;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
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
   */
  Writer open(PrintWriter err) {
    if (file == null) {
      return err;
    }
    try {
      return new BufferedWriter(Files.newBufferedWriter(file, StandardCharsets.UTF_8,
          StandardOpenOption.CREATE, StandardOpenOption.APPEND, StandardOpenOption.WRITE));
    } catch (IOException e) {
      throw new B8gException(B8gException.Category.IO, "events.open", "cannot open the event log " + file + ": "
          + e.getMessage() + "; check that its directory exists and is writable", e);
    }
  }
}
