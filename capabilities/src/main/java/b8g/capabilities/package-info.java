/** Placeholder. */
package b8g.capabilities;
