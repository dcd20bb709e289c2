/** Placeholder. */
package b8g.cli;
