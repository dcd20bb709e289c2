package b8g.cli;

import b8g.errors.Printable;
import b8g.snapshots.ImageException;
import b8g.snapshots.ImageInspector;
import b8g.snapshots.Snapshots;
import b8g.snapshots.StackImage;
import com.google.gson.GsonBuilder;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(name = "image", mixinStandardHelpOptions = true, description = "Works with stack image files (.b8gi).",
    subcommands = {ImageCommand.Inspect.class, CommandLine.HelpCommand.class})
final class ImageCommand implements Runnable {
  @Spec
  CommandSpec spec;

  @Override
  public void run() {
    throw new CommandLine.ParameterException(spec.commandLine(), "missing command (inspect)");
  }

  @Command(name = "inspect", mixinStandardHelpOptions = true,
      description = {"Validates a stack image and prints its header, sections, sizes, checksums and compatibility.",
          "Exit 0 when the image is sound (whether or not this host could restore it), 7 when it is not."})
  static final class Inspect implements Callable<Integer> {
    @Parameters(paramLabel = "FILE.b8gi")
    Path file;

    @Option(names = "--json", description = "Print one JSON object instead of text.")
    boolean json;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
      // Structure and checksums first (exit 7 when broken), then whether this host could restore it.
      StackImage image = StackImage.openForInspection(file, StackImage.Limits.DEFAULT);
      String restorable;
      try {
        image = StackImage.open(file, Snapshots.compatibility());
        restorable = "";
      } catch (ImageException e) {
        restorable = e.getMessage();
      }
      PrintWriter out = spec.commandLine().getOut();
      String manifest;
      try {
        Path m = Snapshots.manifestOf(image);
        manifest = m == null ? null : m.toString();
      } catch (ImageException e) {
        manifest = null;
        restorable = restorable.isEmpty() ? e.getMessage() : restorable;
      }
      // Every string of the image is escaped on its way out: JSON strings by Printable.json (Gson
      // escapes C0 controls only), the text by ImageInspector.text and Printable here.
      if (json) {
        Map<String, Object> m = ImageInspector.describe(image);
        m.put("restorableHere", restorable.isEmpty());
        if (!restorable.isEmpty()) {
          m.put("notRestorableBecause", restorable);
        }
        m.put("manifest", manifest == null ? "" : manifest);
        out.println(Printable.json(new GsonBuilder().setPrettyPrinting().disableHtmlEscaping().create().toJson(m)));
      } else {
        out.print(ImageInspector.text(image));
        out.println("  taken from manifest: " + (manifest == null ? "(not recorded or not usable)" : manifest));
        out.println(restorable.isEmpty() ? "  restorable here: yes" : "  restorable here: no, " + Printable.lines(restorable));
      }
      out.flush();
      return 0;
    }
  }
}
