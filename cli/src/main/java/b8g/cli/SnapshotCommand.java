package b8g.cli;

import com.google.gson.JsonObject;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(name = "snapshot", mixinStandardHelpOptions = true,
    description = {"Asks a running host (b8g run --snapshots) to write a stack image of a component, or of all.",
        "Exit 0 when written, 2 wrong usage or no such host, 6 the component could not be snapshotted, 7 image error."})
final class SnapshotCommand implements Callable<Integer> {
  @Parameters(paramLabel = "COMPONENT", arity = "0..1", description = "The component to snapshot (or --all).")
  String component;

  @Option(names = "--all", description = "Snapshot every running component of the host.")
  boolean all;

  @Option(names = {"-o", "--output"}, required = true, paramLabel = "FILE.b8gi", description = "Where to write the image.")
  Path output;

  @Option(names = "--host", paramLabel = "PID", description = "The host's process id; needed when more than one runs.")
  Long host;

  @Spec
  CommandSpec spec;

  @Override
  public Integer call() {
    if ((component == null) == !all) {
      throw new picocli.CommandLine.ParameterException(spec.commandLine(), "give either a COMPONENT or --all");
    }
    Path socket = ControlClient.socketFor(ControlSocket.directoryPath(System.getenv()), host);
    Map<String, Object> request = new LinkedHashMap<>();
    request.put("v", ControlRequest.VERSION);
    request.put("op", "snapshot");
    if (all) {
      request.put("all", true);
    } else {
      request.put("component", component);
    }
    // The host does not know our working directory: send the absolute path.
    request.put("path", output.toAbsolutePath().normalize().toString());
    JsonObject reply = ControlClient.call(socket, request);
    PrintWriter out = spec.commandLine().getOut();
    out.printf("wrote %s (%s; %d bytes; paused %.1f ms, written in %.1f ms)%n", reply.get("file").getAsString(),
        reply.get("components").toString(), reply.get("bytes").getAsLong(),
        reply.get("pausedMicros").getAsLong() / 1000.0, reply.get("writeMicros").getAsLong() / 1000.0);
    out.flush();
    return 0;
  }
}
