/**
 * Benchmarks: each platform figure next to its baseline from the same run ({@link b8g.bench.Bench}).
 * May import every module; nothing imports it. Never part of the unit suite.
 */
package b8g.bench;
