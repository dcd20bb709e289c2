package b8g.cli;

import b8g.memory.counters.CounterType;
import b8g.memory.counters.CountersReader;
import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * What {@code b8g top} shows of one look at a host's counters: a table of components and one of
 * channels (with rates against the previous look), or one strict JSON object. Sorting by a column
 * name ({@link #SORTS}).
 */
final class TopView {
  /** The columns --sort accepts: components by these, channels by bytes unless "name". */
  static final List<String> SORTS = List.of("name", "state", "turns", "cpu", "heap", "off_heap", "timers", "queued", "restarts");

  private final Map<String, long[]> previous = new HashMap<>();
  private long previousNanos;

  /** The JSON object of one look: host, components, channels, every column by its name. */
  static JsonObject json(CountersReader reader, List<CountersReader.Record> records) {
    JsonObject o = new JsonObject();
    o.addProperty("pid", reader.pid());
    o.addProperty("startMillis", reader.startMillis());
    o.addProperty("closed", reader.closed());
    JsonArray components = new JsonArray();
    JsonArray channels = new JsonArray();
    for (CountersReader.Record r : records) {
      JsonObject x = new JsonObject();
      x.addProperty("name", r.owner());
      x.addProperty("label", r.label());
      for (CounterType.Column c : r.type().columns()) {
        x.addProperty(c.name(), r.values()[c.index()]);
      }
      switch (r.type()) {
        case HOST -> o.add("host", x);
        case COMPONENT -> {
          x.addProperty("stateName", CounterType.stateName(r.value("state")));
          components.add(x);
        }
        case CHANNEL -> channels.add(x);
      }
    }
    o.add("components", components);
    o.add("channels", channels);
    return o;
  }

  /** The text tables of one look; rates are per second since the previous call (none the first time). */
  String table(CountersReader reader, List<CountersReader.Record> records, String sort, long nowNanos) {
    double seconds = previousNanos == 0 ? 0 : (nowNanos - previousNanos) / 1e9;
    StringBuilder b = new StringBuilder();
    CountersReader.Record host = records.stream().filter(r -> r.type() == CounterType.HOST).findFirst().orElse(null);
    long up = Math.max(0, System.currentTimeMillis() - reader.startMillis()) / 1000;
    b.append(String.format(Locale.ROOT, "b8g top - host %d, up %d:%02d:%02d%s%n", reader.pid(), up / 3600, up / 60 % 60, up % 60,
        reader.closed() ? " (ended)" : ""));
    if (host != null) {
      b.append(String.format(Locale.ROOT, "components: %d, %d running, %d exited, %d failed, %d terminated; grants %d, links %d,"
              + " refused links %d%n", host.value("components"), host.value("running"), host.value("exited"), host.value("failed"),
          host.value("terminated"), host.value("grants"), host.value("links"), host.value("refused_links")));
    }
    b.append('\n');
    List<CountersReader.Record> comps = new ArrayList<>(records.stream().filter(r -> r.type() == CounterType.COMPONENT).toList());
    comps.sort(componentOrder(sort));
    b.append(String.format(Locale.ROOT, "%-16s %-10s %10s %8s %9s %9s %9s %9s %7s %6s %8s %-17s %s%n", "COMPONENT", "STATE", "TURNS",
        "TURNS/S", "CPU_MS", "CPU%", "HEAP_MIB", "OFFH_MIB", "TIMERS", "QUEUE", "RESTARTS", "TERM cpu/hp/off/o", "WORKER"));
    for (CountersReader.Record r : comps) {
      long[] was = previous.get("c:" + r.owner());
      String rate = seconds > 0 && was != null ? String.format(Locale.ROOT, "%.0f", (r.value("turns") - was[0]) / seconds) : "-";
      String cpuPct = seconds > 0 && was != null ? String.format(Locale.ROOT, "%.1f", (r.value("cpu_ns") - was[1]) / 1e7 / seconds) : "-";
      b.append(String.format(Locale.ROOT, "%-16s %-10s %10d %8s %9d %9s %4.1f/%-4.0f %9.1f %7d %6d %8d %-17s %s%n", cut(r.owner(), 16),
          CounterType.stateName(r.value("state")), r.value("turns"), rate, r.value("cpu_ns") / 1_000_000, cpuPct,
          r.value("heap_bytes") / 1048576.0, r.value("heap_budget_bytes") / 1048576.0, r.value("off_heap_bytes") / 1048576.0,
          r.value("timers"), r.value("queued_turns"), r.value("restarts"),
          r.value("terminations_cpu") + "/" + r.value("terminations_heap") + "/" + r.value("terminations_off_heap") + "/"
              + r.value("terminations_other"),
          r.value("worker_pid") == 0 ? "-" : Long.toString(r.value("worker_pid"))));
      previous.put("c:" + r.owner(), new long[] {r.value("turns"), r.value("cpu_ns")});
    }
    List<CountersReader.Record> chans = new ArrayList<>(records.stream().filter(r -> r.type() == CounterType.CHANNEL).toList());
    chans.sort(sort.equals("name") ? Comparator.comparing(CountersReader.Record::owner)
        : Comparator.comparingLong((CountersReader.Record r) -> r.value("bytes_written")).reversed());
    if (!chans.isEmpty()) {
      b.append('\n');
      b.append(String.format(Locale.ROOT, "%-16s %-24s %12s %12s %12s %9s %6s %8s %8s %s%n", "CHANNEL", "WRITER -> READER", "MESSAGES",
          "WRITTEN_MIB", "READ_MIB", "MIB/S", "FILL%", "W_WAITS", "R_WAITS", "ENDS"));
      for (CountersReader.Record r : chans) {
        long[] was = previous.get("ch:" + r.owner());
        String rate = seconds > 0 && was != null ? String.format(Locale.ROOT, "%.1f", (r.value("bytes_read") - was[0]) / 1048576.0 / seconds)
            : "-";
        long cap = Math.max(1, r.value("capacity_bytes"));
        String ends = (r.value("writer_gone") == 1 ? "writer gone" : "") + (r.value("writer_gone") == 1 && r.value("reader_gone") == 1 ? ", " : "")
            + (r.value("reader_gone") == 1 ? "reader gone" : "");
        b.append(String.format(Locale.ROOT, "%-16s %-24s %12d %12.1f %12.1f %9s %6.1f %8d %8d %s%n", cut(r.owner(), 16), cut(r.label(), 24),
            r.value("messages_read"), r.value("bytes_written") / 1048576.0, r.value("bytes_read") / 1048576.0, rate, 100.0 * r.value("fill_bytes") / cap,
            r.value("writer_waits"), r.value("reader_waits"), ends.isEmpty() ? "open" : ends));
        previous.put("ch:" + r.owner(), new long[] {r.value("bytes_read")});
      }
    }
    previousNanos = nowNanos;
    return b.toString();
  }

  private static Comparator<CountersReader.Record> componentOrder(String sort) {
    String column = switch (sort) {
      case "cpu" -> "cpu_ns";
      case "heap" -> "heap_bytes";
      case "off_heap" -> "off_heap_bytes";
      case "queued" -> "queued_turns";
      default -> sort;
    };
    if (sort.equals("name")) {
      return Comparator.comparing(CountersReader.Record::owner);
    }
    return Comparator.comparingLong((CountersReader.Record r) -> r.value(column)).reversed().thenComparing(CountersReader.Record::owner);
  }

  /** {@code s} in at most {@code n} characters (printable: control characters shown as '?'). */
  private static String cut(String s, int n) {
    String p = s.codePoints().map(c -> Character.isISOControl(c) ? '?' : c)
        .collect(StringBuilder::new, StringBuilder::appendCodePoint, StringBuilder::append).toString();
    return p.length() <= n ? p : p.substring(0, n - 1) + "~";
  }
}
