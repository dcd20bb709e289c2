/**
 * Benchmarks: each platform figure next to its baseline from the same run ({@link b8g.bench.Bench}).
 * Imports host (and through it components, capabilities, shared-memory); nothing imports it. Never part of the unit suite.
 */
package b8g.bench;
