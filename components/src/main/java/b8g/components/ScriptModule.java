package b8g.components;

import java.util.Map;
import java.util.Objects;

/**
 * One file of a component's module graph, as the host found it at start: CommonJS code (an ES
 * module or TypeScript file already transformed), compiled in the component with its own resource
 * name so stack traces name the original file. The host resolved every literal specifier the file
 * uses; at run time nothing else is looked up on disk (there is no disk).
 *
 * @param name the file's path relative to the manifest's directory ({@code __filename}, the
 *     resource name in stack traces, the key others resolve to)
 * @param code the module's CommonJS body, run as {@code function (exports, require, module,
 *     __filename, __dirname)}; its line 1 is the file's line 1
 * @param requires specifier to module name for every specifier the file uses literally;
 *     {@link #BUILTIN} for a Node built-in, {@link #MISSING} for one that resolved to nothing
 *     (both throw {@code MODULE_NOT_FOUND} when required, as an optional dependency expects)
 * @param lines for a transformed file, the original line of each line of {@code code} (index 0
 *     is line 1; 0 for a line with no mapping); null when the lines are the file's own
 */
public record ScriptModule(String name, String code, Map<String, String> requires, int[] lines) {
  /** A specifier naming a Node built-in module, which b8g does not have (no relative path starts with '/'). */
  public static final String BUILTIN = "/builtin";
  /** A specifier its package's {@code browser} map replaces with an empty module ({@code {}}). */
  public static final String EMPTY = "/empty";
  /** A specifier that resolved to no file in the component's directory. */
  public static final String MISSING = "/missing";

  /**
   * The parameter list of every module function. {@code __b8g_esm} is the prelude's helper for
   * code transformed from ES modules (live export bindings, namespace objects, dynamic import).
   */
  static final String PARAMETERS = "exports, require, module, __filename, __dirname, __b8g_esm";

  public ScriptModule {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(code, "code");
    requires = Map.copyOf(requires);
  }

  /**
   * The source compiled in the isolate: a function expression around {@link #code}, opened on
   * the code's first line so every line keeps its number (Node's wrapper).
   */
  String wrapped() {
    return "(function (" + PARAMETERS + ") {" + code + "\n})";
  }

  /** {@link #requires} as the prelude reads it: specifier, target, ... as {@link Protocol.Fields}. */
  String encodedRequires() {
    StringBuilder b = new StringBuilder();
    for (Map.Entry<String, String> e : requires.entrySet()) {
      Protocol.Fields.append(b, e.getKey());
      Protocol.Fields.append(b, e.getValue());
    }
    return b.toString();
  }

  /** The original line of {@code line} in the generated code (both from 1). */
  int originalLine(int line) {
    if (lines == null || line < 1 || line > lines.length || lines[line - 1] == 0) {
      return line;
    }
    return lines[line - 1];
  }
}
