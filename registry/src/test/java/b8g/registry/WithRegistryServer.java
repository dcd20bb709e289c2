package b8g.registry;

import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;

/**
 * Base of the test classes that run against a real docker-registry: one {@link RegistryServer}
 * per test class, started before its first test and stopped after its last (test classes run one
 * after another, so the shared static field holds the running class's server).
 */
abstract class WithRegistryServer {
  @TempDir static Path serverDir;
  static RegistryServer server;

  @BeforeAll
  static void startServer() throws Exception {
    server = RegistryServer.start(serverDir);
  }

  @AfterAll
  static void stopServer() {
    if (server != null) {
      server.close();
      server = null;
    }
  }
}
