package b8g.bench;

import b8g.components.EngineVersion;
import com.caoccao.javet.interop.V8Host;

/** Bare isolates for the baselines: the same V8 build the platform runs, with its ICU data. */
final class BareV8 {
  private BareV8() {}

  /** Javet's host of V8 with ICU, after the platform has named ICU's data file (which loading it requires). */
  static V8Host host() {
    EngineVersion.current();
    return V8Host.getV8I18nInstance();
  }
}
