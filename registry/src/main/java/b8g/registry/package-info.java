/** Placeholder. */
package b8g.registry;
