/** Placeholder. */
package b8g.host;
