package b8g.components;

/**
 * The script every component's isolate evaluates before user code (the protocol, the prelude's
 * files and ring.js, joined by {@link Engine}), for tools that measure what it costs. Components
 * get it through {@link Component}; nothing else needs it.
 */
public final class BootScript {
  private BootScript() {}

  /** The boot script's text, as every isolate of this build evaluates it. */
  public static String text() {
    return Engine.bootScript();
  }

  /**
   * The protocol between host and prelude as top-level {@code const} declarations (the same text
   * the boot script declares inside its function), for harnesses that drive the prelude's entry
   * point by hand.
   */
  public static String protocol() {
    return Protocol.jsDeclarations();
  }
}
