package b8g.cli;

import b8g.memory.counters.CounterType;
import b8g.memory.counters.CountersReader;
import java.util.List;
import java.util.Locale;

/**
 * A host's counters as a metrics scrape: OpenMetrics 1.0 text, or for a scraper that does not ask
 * for it the Prometheus text format 0.0.4 (what {@code curl} and {@code promtool check metrics}
 * read). The two differ only in how a counter's family is named ({@code b8g_component_turns} with
 * samples {@code b8g_component_turns_total}, against {@code b8g_component_turns_total} throughout)
 * and in OpenMetrics' closing {@code # EOF}.
 *
 * <p>Families: {@code b8g_host_<column>}, {@code b8g_component_<column>{component}} and {@code
 * b8g_channel_<column>{channel}}, one per column of {@link CounterType}; CPU is exported in
 * seconds ({@code b8g_component_cpu_seconds}). Label values are escaped as both formats say
 * (backslash, double quote, line feed).
 */
final class MetricsText {
  static final String OPENMETRICS = "application/openmetrics-text; version=1.0.0; charset=utf-8";
  static final String PROMETHEUS = "text/plain; version=0.0.4; charset=utf-8";

  private MetricsText() {}

  /** The scrape of {@code records}; {@code openMetrics} picks the format. */
  static String render(List<CountersReader.Record> records, boolean openMetrics) {
    StringBuilder b = new StringBuilder();
    for (CounterType type : CounterType.values()) {
      String prefix = "b8g_" + type.name().toLowerCase(Locale.ROOT) + "_";
      String label = type == CounterType.COMPONENT ? "component" : type == CounterType.CHANNEL ? "channel" : null;
      for (CounterType.Column c : type.columns()) {
        boolean cpu = c.name().equals("cpu_ns");
        String base = prefix + (cpu ? "cpu_seconds" : c.name());
        boolean counter = c.kind() == CounterType.Column.Kind.COUNTER;
        String family = counter && !openMetrics ? base + "_total" : base;
        String sample = counter ? base + "_total" : base;
        boolean any = false;
        for (CountersReader.Record r : records) {
          if (r.type() != type) {
            continue;
          }
          if (!any) {
            b.append("# HELP ").append(family).append(' ').append(help(c.help())).append('\n');
            b.append("# TYPE ").append(family).append(' ').append(counter ? "counter" : "gauge").append('\n');
            any = true;
          }
          long v = r.values()[c.index()];
          b.append(sample);
          if (label != null) {
            b.append('{').append(label).append("=\"").append(escape(r.owner())).append("\"}");
          }
          b.append(' ').append(cpu ? String.format(Locale.ROOT, "%.9f", v / 1e9) : Long.toString(v)).append('\n');
        }
      }
    }
    if (openMetrics) {
      b.append("# EOF\n");
    }
    return b.toString();
  }

  /** A label value as both formats want it: backslash, double quote and line feed escaped. */
  static String escape(String s) {
    StringBuilder b = new StringBuilder(s.length());
    for (int i = 0; i < s.length(); i++) {
      char ch = s.charAt(i);
      switch (ch) {
        case '\\' -> b.append("\\\\");
        case '"' -> b.append("\\\"");
        case '\n' -> b.append("\\n");
        default -> b.append(ch);
      }
    }
    return b.toString();
  }

  /** HELP text: backslash and line feed escaped. */
  private static String help(String s) {
    return s.replace("\\", "\\\\").replace("\n", "\\n");
  }
}
