package b8g.registry;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

/**
 * A real Distribution 2.8 registry ({@code /usr/bin/docker-registry}, installed by {@code .ci/run})
 * on a free 127.0.0.1 port, with its storage in a test directory. Stopped by {@link #close()}.
 *
 * <p>Public and shipped in the registry module's test-jar so that the CLI's tests and the registry
 * benchmark start the same server the same way.
 */
public final class RegistryServer implements AutoCloseable {
  static final Path BINARY = Path.of("/usr/bin/docker-registry");

  /** The port it listens on (127.0.0.1). */
  public final int port;
  /** {@code 127.0.0.1:port}, the host part of references to it. */
  public final String host;
  private final Process process;
  private final Path log;
  private Path storage;

  private RegistryServer(int port, Process process, Path log) {
    this.port = port;
    this.host = "127.0.0.1:" + port;
    this.process = process;
    this.log = log;
  }

  /** Starts a server storing below {@code dir}; fails the test (naming .ci/run) when the binary is missing. */
  public static RegistryServer start(Path dir) throws IOException, InterruptedException {
    if (!Files.isExecutable(BINARY)) {
      fail(BINARY + " is missing: the registry tests need Debian's docker-registry (distribution 2.8);"
          + " .ci/run installs it (apt-get install docker-registry)");
    }
    Path storage = Files.createDirectories(dir.resolve("registry-storage"));
    Path config = dir.resolve("registry.yml");
    Path log = dir.resolve("registry.log");
    for (int attempt = 0; ; attempt++) {
      int port;
      try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
        port = s.getLocalPort();
      }
      Files.writeString(config, String.join("\n",
          "version: 0.1",
          "log:",
          "  level: warn",
          "storage:",
          "  filesystem:",
          "    rootdirectory: " + storage,
          "  delete:",
          "    enabled: true",
          "http:",
          "  addr: 127.0.0.1:" + port,
          ""));
      Process p = new ProcessBuilder(BINARY.toString(), "serve", config.toString())
          .redirectErrorStream(true).redirectOutput(log.toFile()).start();
      RegistryServer server = new RegistryServer(port, p, log);
      if (server.awaitReady()) {
        server.storage = storage;
        return server;
      }
      server.close();
      if (attempt >= 2) {
        fail("docker-registry did not start; its log:\n" + Files.readString(log));
      }
    }
  }

  /** Polls {@code /v2/} until it answers (a readiness wait, not a timing assertion). */
  private boolean awaitReady() throws InterruptedException {
    HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    for (int i = 0; i < 300; i++) {
      if (!process.isAlive()) {
        return false;
      }
      try {
        HttpResponse<Void> r = http.send(HttpRequest.newBuilder(URI.create("http://" + host + "/v2/")).build(),
            HttpResponse.BodyHandlers.discarding());
        if (r.statusCode() == 200) {
          return true;
        }
      } catch (IOException notYet) {
        // not listening yet
      }
      Thread.sleep(50);
    }
    return false;
  }

  /** The server's filesystem storage root (blobs under {@code docker/registry/v2/blobs}). */
  public Path storage() {
    return storage;
  }

  /** Blob {@code sha256:<hex>} as the server keeps it on disk (for tests that alter content). */
  public Path blobFile(String digest) {
    String hex = digest.substring("sha256:".length());
    return storage.resolve("docker/registry/v2/blobs/sha256").resolve(hex.substring(0, 2)).resolve(hex).resolve("data");
  }

  public String log() throws IOException {
    return Files.readString(log);
  }

  @Override
  public void close() {
    process.destroy();
    try {
      if (!process.waitFor(10, java.util.concurrent.TimeUnit.SECONDS)) {
        process.destroyForcibly().waitFor();
      }
    } catch (InterruptedException e) {
      process.destroyForcibly();
      Thread.currentThread().interrupt();
    }
  }
}
