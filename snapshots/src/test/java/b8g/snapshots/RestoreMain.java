package b8g.snapshots;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import b8g.host.Host;
import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Restores an image in a fresh JVM: args IMAGE MANIFEST (HostSnapshotTest#shouldRestoreInANewJvm)
 * or IMAGE MANIFEST three (MultiComponentSnapshotTest#shouldRestoreTheCompositionInANewJvm).
 */
public final class RestoreMain {
  private RestoreMain() {}

  /** Runs this class in a new JVM with the test's class path and JDK flags; returns its output (exit 0 asserted). */
  static String inNewJvm(String... args) throws Exception {
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    for (String a : ManagementFactory.getRuntimeMXBean().getInputArguments()) {
      if (a.startsWith("--add-")) {
        cmd.add(a);
      }
    }
    cmd.add("-cp");
    cmd.add(System.getProperty("java.class.path"));
    cmd.add(RestoreMain.class.getName());
    cmd.addAll(List.of(args));
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    assertTrue(p.waitFor(60, TimeUnit.SECONDS), "restore process did not end");
    String out = new String(p.getInputStream().readAllBytes());
    assertEquals(0, p.exitValue(), out);
    return out;
  }

  public static void main(String[] args) throws Exception {
    try (Host h = Snapshots.restore(Path.of(args[0]), new Host.Context().manifest(Path.of(args[1])))) {
      if (args.length > 2 && args[2].equals("three")) {
        MultiComponentSnapshotTest.finishStream(h, 26);
      } else {
        HostSnapshotTest.finishStream(h);
      }
    } catch (Throwable t) {
      System.out.println("failed: " + t);
      System.exit(1);
    }
    System.exit(0);
  }
}
