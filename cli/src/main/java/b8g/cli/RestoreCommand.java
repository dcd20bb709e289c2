package b8g.cli;

import b8g.host.Host;
import b8g.snapshots.ImageException;
import b8g.snapshots.Snapshots;
import b8g.snapshots.StackImage;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(name = "restore", mixinStandardHelpOptions = true,
    description = {"Runs a composition restored from a stack image, like b8g run: the components in the image",
        "continue where they were; the manifest decides what they are granted now.",
        "Exit codes as for run; 7 when the image is corrupt or was taken by another V8/Javet/platform."})
final class RestoreCommand implements Callable<Integer> {
  @Parameters(paramLabel = "FILE.b8gi")
  Path image;

  @Option(names = "--manifest", paramLabel = "MANIFEST", description = "The manifest to run with (default: the one recorded in the image).")
  Path manifest;

  @Option(names = {"-v", "--verbose"}, description = "Print every host event to stderr.")
  boolean verbose;

  @Option(names = "--events", paramLabel = "FORMAT", converter = EventsOption.Converter.class,
      description = "Write every host event as one line of JSON: json (to stderr) or json:FILE (appended).")
  EventsOption events;

  @Option(names = "--no-control", description = "Do not open the control socket (b8g snapshot cannot reach this host).")
  boolean noControl;

  @Spec
  CommandSpec spec;

  @Override
  public Integer call() throws InterruptedException {
    // Every check (structure, checksums, compatibility) happens here, before V8 sees a byte.
    StackImage img = StackImage.open(image, Snapshots.compatibility());
    Path m = manifest != null ? manifest : Snapshots.manifestOf(img);
    if (m == null) {
      throw new ImageException(ImageException.MALFORMED, image + ": the image does not record its manifest; pass --manifest");
    }
    Host.Context ctx = new Host.Context().manifest(m);
    return RunCommand.withEvents(events, ctx, spec.commandLine().getErr(), () -> RunCommand.runHost(ctx,
        c -> Snapshots.restore(img, c), !noControl, verbose, spec.commandLine().getOut(), spec.commandLine().getErr()));
  }
}
