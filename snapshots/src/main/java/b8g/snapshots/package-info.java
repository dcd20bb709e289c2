/** Placeholder. */
package b8g.snapshots;
