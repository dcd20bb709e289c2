package b8g.cli;

import b8g.memory.counters.CountersReader;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

@Command(name = "top", mixinStandardHelpOptions = true,
    description = {"Shows a running host's components and channels live, from its counters file (never its control socket).",
        "Exit 0; 2 wrong usage or no such host; 9 a counters file that cannot be read (corrupt, truncated)."})
final class TopCommand implements Callable<Integer> {
  @Option(names = "--host", paramLabel = "PID", description = "The host's process id; needed when more than one runs.")
  Long host;

  @Option(names = "--sort", paramLabel = "COLUMN", defaultValue = "cpu",
      description = "Sort components by name, state, turns, cpu (default), heap, off_heap, timers, queued or restarts.")
  String sort;

  @Option(names = "--once", description = "Print one look and exit.")
  boolean once;

  @Option(names = "--json", description = "Print each look as one JSON object (one line).")
  boolean json;

  @Option(names = "--interval", paramLabel = "MS", defaultValue = "1000", description = "Milliseconds between looks (default 1000).")
  long intervalMs;

  /** A counters file to read instead of finding a host's (for tests and post-mortems of a copy). */
  @Option(names = "--file", paramLabel = "FILE", hidden = true)
  Path file;

  @Spec
  CommandSpec spec;

  @Override
  public Integer call() throws InterruptedException {
    if (!TopView.SORTS.contains(sort)) {
      throw new ParameterException(spec.commandLine(), "unknown --sort column \"" + sort + "\"; use one of " + String.join(", ", TopView.SORTS));
    }
    if (intervalMs < 100 || intervalMs > 3_600_000) {
      throw new ParameterException(spec.commandLine(), "--interval is 100 to 3600000 ms, not " + intervalMs);
    }
    Path counters = file != null ? file : CountersPlace.find(System.getenv(), host);
    CountersReader reader = CountersReader.open(counters);
    PrintWriter out = spec.commandLine().getOut();
    TopView view = new TopView();
    for (;;) {
      List<CountersReader.Record> records = reader.records();
      if (json) {
        out.println(TopView.json(reader, records));
      } else {
        if (!once) {
          out.print("\033[H\033[2J"); // home and clear, as top does
        }
        out.print(view.table(reader, records, sort, System.nanoTime()));
      }
      out.flush();
      if (once) {
        return 0;
      }
      Thread.sleep(intervalMs);
      // A host killed outright (kill -9) leaves its file ready: its process is what tells.
      if (reader.closed() || !Files.exists(counters) || !CountersPlace.isLive(reader.pid(), reader.startMillis())) {
        out.println("b8g top: host " + reader.pid() + " has ended");
        out.flush();
        return 0;
      }
    }
  }

}
