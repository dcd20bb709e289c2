/** Placeholder. */
package b8g.components;
