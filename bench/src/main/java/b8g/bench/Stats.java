package b8g.bench;

import java.util.Arrays;

/** Median, p90 and range of repeated measurements. */
record Stats(double median, double p90, double min, double max, int count, double[] samples) {
  static Stats of(double[] samples) {
    double[] s = samples.clone();
    Arrays.sort(s);
    return new Stats(quantile(s, 0.5), quantile(s, 0.9), s[0], s[s.length - 1], s.length, s);
  }

  private static double quantile(double[] sorted, double q) {
    double pos = q * (sorted.length - 1);
    int lo = (int) Math.floor(pos);
    int hi = Math.min(lo + 1, sorted.length - 1);
    return sorted[lo] + (sorted[hi] - sorted[lo]) * (pos - lo);
  }

  /** "12.3 [11.0-13.1]" with the given format for each number. */
  String range(String fmt) {
    return String.format(fmt, median) + " [" + String.format(fmt, min) + "-" + String.format(fmt, max) + "]";
  }

  /** "1.23 / p90 1.50" */
  String medianP90(String fmt) {
    return String.format(fmt, median) + " / p90 " + String.format(fmt, p90);
  }
}
