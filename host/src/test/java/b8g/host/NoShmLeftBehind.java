package b8g.host;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Fails a test that leaves behind a /dev/shm file this process named ({@code b8g-<pid>-...}, the
 * names the host and {@code Region} give), whichever tier its components ran in. Files that were
 * there before the test are not its own.
 */
public final class NoShmLeftBehind implements BeforeEachCallback, AfterEachCallback {
  private static final ExtensionContext.Namespace NS = ExtensionContext.Namespace.create(NoShmLeftBehind.class);

  @Override
  public void beforeEach(ExtensionContext context) throws IOException {
    context.getStore(NS).put("before", ownShmFiles());
  }

  @Override
  public void afterEach(ExtensionContext context) throws IOException {
    @SuppressWarnings("unchecked")
    List<String> before = (List<String>) context.getStore(NS).get("before", List.class);
    assertEquals(before, ownShmFiles(), "a /dev/shm file of this process was left behind by " + context.getDisplayName());
  }

  /** The names in /dev/shm this process gave, sorted. */
  public static List<String> ownShmFiles() throws IOException {
    try (Stream<Path> files = Files.list(Path.of("/dev/shm"))) {
      return files.map(p -> p.getFileName().toString())
          .filter(n -> n.startsWith("b8g-" + ProcessHandle.current().pid() + "-")).sorted().toList();
    }
  }
}
