package b8g.host.modules;

import b8g.components.ComponentException;
import com.caoccao.javet.swc4j.Swc4j;
import com.caoccao.javet.swc4j.ast.interfaces.ISwc4jAst;
import com.caoccao.javet.swc4j.ast.interfaces.ISwc4jAstProgram;
import com.caoccao.javet.swc4j.enums.Swc4jMediaType;
import com.caoccao.javet.swc4j.enums.Swc4jParseMode;
import com.caoccao.javet.swc4j.enums.Swc4jSourceMapOption;
import com.caoccao.javet.swc4j.exceptions.Swc4jCoreException;
import com.caoccao.javet.swc4j.options.Swc4jParseOptions;
import com.caoccao.javet.swc4j.options.Swc4jTranspileOptions;
import com.google.gson.JsonParser;

/**
 * The swc4j step (SWC, through JNI): TypeScript's types stripped, and the AST of JavaScript.
 *
 * <p>Options, and why: TypeScript is only type-stripped ({@code transpile}, ES module syntax
 * kept, no downlevelling: V8 14 runs ES2024, so the target is the source's own) with a separate
 * source map, read here into one original line per generated line, so errors name the .ts file's
 * lines. ES modules become CommonJS in {@link CommonJs}, on the JavaScript text itself, with every
 * line kept: swc4j 2.0's transpile has no CommonJS output (its module kind only tells the parser
 * what to expect). Parsing uses SWC's scope analysis ({@code ctxt} on identifiers), which tells an
 * imported binding from a local that shadows it.
 */
final class Transpiler {
  private static final Swc4j SWC = new Swc4j();

  /** JavaScript and, per generated line, the original line (index 0 is line 1). */
  record Stripped(String code, int[] lines) {}

  private Transpiler() {}

  /** {@code source} (TypeScript) without its types. */
  static Stripped stripTypes(String source, String name) {
    Swc4jMediaType type = name.endsWith(".mts") ? Swc4jMediaType.Mts : name.endsWith(".cts") ? Swc4jMediaType.Cts : Swc4jMediaType.TypeScript;
    Swc4jTranspileOptions o = new Swc4jTranspileOptions().setMediaType(type).setParseMode(Swc4jParseMode.Program)
        .setSourceMap(Swc4jSourceMapOption.Separate).setKeepComments(true);
    try {
      var out = SWC.transpile(source, o);
      return new Stripped(out.getCode(), lines(out.getSourceMap()));
    } catch (Swc4jCoreException e) {
      throw new ComponentException("component.script", name + ": " + e.getMessage(), e);
    }
  }

  /** The AST of JavaScript {@code code}, as a script or a module, whichever it is. */
  static ISwc4jAstProgram<? extends ISwc4jAst> parse(String code, String name) {
    Swc4jParseOptions o = new Swc4jParseOptions().setMediaType(Swc4jMediaType.JavaScript).setParseMode(Swc4jParseMode.Program)
        .setScopeAnalysis(true).setCaptureAst(true);
    try {
      return SWC.parse(code, o).getProgram();
    } catch (Swc4jCoreException e) {
      throw new ComponentException("component.script", name + ": " + e.getMessage(), e);
    }
  }

  /** A source map's "mappings", decoded to the original line (from 1) of each generated line's first segment. */
  static int[] lines(String sourceMap) {
    String mappings = JsonParser.parseString(sourceMap).getAsJsonObject().get("mappings").getAsString();
    String[] generated = mappings.split(";", -1);
    int[] lines = new int[generated.length];
    int srcLine = 0;
    for (int g = 0; g < generated.length; g++) {
      if (generated[g].isEmpty()) {
        continue;
      }
      boolean first = true;
      for (String segment : generated[g].split(",")) {
        int[] f = vlq(segment);
        if (f.length >= 4) {
          srcLine += f[2];
          if (first) {
            lines[g] = srcLine + 1;
            first = false;
          }
        }
      }
    }
    return lines;
  }

  private static int[] vlq(String segment) {
    int[] out = new int[5];
    int n = 0;
    int value = 0;
    int shift = 0;
    for (int i = 0; i < segment.length() && n < 5; i++) {
      int digit = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".indexOf(segment.charAt(i));
      value += (digit & 31) << shift;
      if ((digit & 32) != 0) {
        shift += 5;
      } else {
        out[n++] = (value & 1) != 0 ? -(value >>> 1) : value >>> 1;
        value = 0;
        shift = 0;
      }
    }
    return java.util.Arrays.copyOf(out, n);
  }
}
