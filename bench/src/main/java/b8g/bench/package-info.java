/** Placeholder. */
package b8g.bench;
