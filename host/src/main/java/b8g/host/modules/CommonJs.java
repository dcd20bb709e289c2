package b8g.host.modules;

import b8g.components.ComponentException;
import b8g.host.modules.ModuleResolver.Mode;
import com.caoccao.javet.swc4j.ast.clazz.Swc4jAstFunction;
import com.caoccao.javet.swc4j.ast.expr.Swc4jAstArrowExpr;
import com.caoccao.javet.swc4j.ast.expr.Swc4jAstAwaitExpr;
import com.caoccao.javet.swc4j.ast.expr.Swc4jAstCallExpr;
import com.caoccao.javet.swc4j.ast.expr.Swc4jAstClassExpr;
import com.caoccao.javet.swc4j.ast.expr.Swc4jAstFnExpr;
import com.caoccao.javet.swc4j.ast.expr.Swc4jAstIdent;
import com.caoccao.javet.swc4j.ast.expr.Swc4jAstMemberExpr;
import com.caoccao.javet.swc4j.ast.expr.Swc4jAstMetaPropExpr;
import com.caoccao.javet.swc4j.ast.expr.Swc4jAstTaggedTpl;
import com.caoccao.javet.swc4j.ast.expr.Swc4jAstTpl;
import com.caoccao.javet.swc4j.ast.expr.lit.Swc4jAstObjectLit;
import com.caoccao.javet.swc4j.ast.expr.lit.Swc4jAstStr;
import com.caoccao.javet.swc4j.ast.enums.Swc4jAstMetaPropKind;
import com.caoccao.javet.swc4j.ast.interfaces.ISwc4jAst;
import com.caoccao.javet.swc4j.ast.interfaces.ISwc4jAstExpr;
import com.caoccao.javet.swc4j.ast.interfaces.ISwc4jAstModuleExportName;
import com.caoccao.javet.swc4j.ast.interfaces.ISwc4jAstModuleItem;
import com.caoccao.javet.swc4j.ast.interfaces.ISwc4jAstProgram;
import com.caoccao.javet.swc4j.ast.module.Swc4jAstExportAll;
import com.caoccao.javet.swc4j.ast.module.Swc4jAstExportDecl;
import com.caoccao.javet.swc4j.ast.module.Swc4jAstExportDefaultDecl;
import com.caoccao.javet.swc4j.ast.module.Swc4jAstExportDefaultExpr;
import com.caoccao.javet.swc4j.ast.module.Swc4jAstExportDefaultSpecifier;
import com.caoccao.javet.swc4j.ast.module.Swc4jAstExportNamedSpecifier;
import com.caoccao.javet.swc4j.ast.module.Swc4jAstExportNamespaceSpecifier;
import com.caoccao.javet.swc4j.ast.module.Swc4jAstImport;
import com.caoccao.javet.swc4j.ast.module.Swc4jAstImportDecl;
import com.caoccao.javet.swc4j.ast.module.Swc4jAstImportDefaultSpecifier;
import com.caoccao.javet.swc4j.ast.module.Swc4jAstImportNamedSpecifier;
import com.caoccao.javet.swc4j.ast.module.Swc4jAstImportStarAsSpecifier;
import com.caoccao.javet.swc4j.ast.module.Swc4jAstNamedExport;
import com.caoccao.javet.swc4j.ast.pat.Swc4jAstBindingIdent;
import com.caoccao.javet.swc4j.ast.program.Swc4jAstModule;
import com.caoccao.javet.swc4j.ast.stmt.Swc4jAstClassDecl;
import com.caoccao.javet.swc4j.ast.stmt.Swc4jAstFnDecl;
import com.caoccao.javet.swc4j.ast.stmt.Swc4jAstForOfStmt;
import com.caoccao.javet.swc4j.ast.stmt.Swc4jAstVarDecl;
import com.caoccao.javet.swc4j.ast.stmt.Swc4jAstVarDeclarator;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * An ES module rewritten as CommonJS, in place, every line kept (so V8's line numbers are the
 * file's), and the literal specifiers of any module. What the rewriting does:
 * <ul>
 *   <li>imports become {@code const __b8g_mN = __b8g_esm.ns(require("x"))} on line 1 (imports are
 *       hoisted in ES modules too), and every reference to an imported binding reads
 *       {@code __b8g_mN.name}, so bindings stay live (a cycle sees later values); SWC's scope
 *       analysis leaves a local that shadows an import alone;</li>
 *   <li>exports become getters on {@code exports}, defined on line 1 before any require, so a
 *       cycle sees hoisted functions (as Babel and TypeScript do);</li>
 *   <li>{@code process.env.NODE_ENV} becomes {@code "production"}, as bundlers make it;</li>
 *   <li>{@code import(x)} becomes a promise of the namespace, {@code import.meta} an object with
 *       the file's url.</li>
 * </ul>
 * Top-level await is refused: a module here is a function run synchronously by require.
 */
final class CommonJs {
  /** CommonJS code (same lines as the input) and each literal specifier with how it was written. */
  record Result(String code, Map<String, Mode> specifiers, boolean esm) {}

  private record Edit(int start, int end, String text) {}

  /**
   * Replaced by "production", as bundlers do (webpack's DefinePlugin, esbuild's define): packages
   * read it unguarded to pick a build (immer, React), and it carries no authority. Nothing else
   * of {@code process} exists.
   */
  private static final String NODE_ENV = "process.env.NODE_ENV";

  private final String source;
  private final String name;
  private final List<Edit> edits = new ArrayList<>();
  private final Map<String, Mode> specifiers = new LinkedHashMap<>();
  /** sym#ctxt of an imported binding -> the expression that reads it. */
  private final Map<String, String> imported = new HashMap<>();
  private final Map<String, String> moduleVars = new HashMap<>();
  private final StringBuilder requires = new StringBuilder();
  private final StringBuilder defines = new StringBuilder();

  private CommonJs(String source, String name) {
    this.source = source;
    this.name = name;
  }

  /**
   * {@code program} (parsed from {@code source}) as CommonJS. {@code esm}: the file is an ES
   * module by its name or package.json; else it is one when it has import or export declarations.
   */
  static Result of(String source, ISwc4jAstProgram<? extends ISwc4jAst> program, String name, boolean esm) {
    CommonJs c = new CommonJs(source, name);
    boolean module = esm || (program instanceof Swc4jAstModule m && m.getBody().stream().anyMatch(CommonJs::isModuleDecl));
    if (module && program instanceof Swc4jAstModule m) {
      c.rewrite(m);
    } else {
      c.scan(program, 0, false);
    }
    return new Result(c.apply(module), c.specifiers, module);
  }

  private static boolean isModuleDecl(ISwc4jAstModuleItem item) {
    return item instanceof Swc4jAstImportDecl || item instanceof Swc4jAstExportDecl || item instanceof Swc4jAstNamedExport
        || item instanceof Swc4jAstExportDefaultDecl || item instanceof Swc4jAstExportDefaultExpr || item instanceof Swc4jAstExportAll;
  }

  private void rewrite(Swc4jAstModule m) {
    for (ISwc4jAstModuleItem item : m.getBody()) {
      if (item instanceof Swc4jAstImportDecl d) {
        blank(d);
        if (d.isTypeOnly()) {
          continue;
        }
        String v = moduleVar(d.getSrc().getValue());
        for (var s : d.getSpecifiers()) {
          if (s instanceof Swc4jAstImportNamedSpecifier n) {
            if (n.isTypeOnly()) {
              continue;
            }
            String importedName = n.getImported().map(CommonJs::exportName).orElse(n.getLocal().getSym());
            imported.put(key(n.getLocal()), v + member(importedName));
          } else if (s instanceof Swc4jAstImportDefaultSpecifier n) {
            imported.put(key(n.getLocal()), v + ".default");
          } else if (s instanceof Swc4jAstImportStarAsSpecifier n) {
            imported.put(key(n.getLocal()), v);
          }
        }
      }
    }
    for (ISwc4jAstModuleItem item : m.getBody()) {
      if (item instanceof Swc4jAstImportDecl) {
        continue;
      } else if (item instanceof Swc4jAstExportDecl d) {
        cut(d.getSpan().getStart(), start(d.getDecl()));
        var decl = d.getDecl();
        if (decl instanceof Swc4jAstFnDecl f) {
          define(f.getIdent().getSym(), f.getIdent().getSym());
        } else if (decl instanceof Swc4jAstClassDecl c) {
          define(c.getIdent().getSym(), c.getIdent().getSym());
        } else if (decl instanceof Swc4jAstVarDecl v) {
          for (Swc4jAstVarDeclarator vd : v.getDecls()) {
            for (String n : bindingNames(vd.getName(), new ArrayList<>())) {
              define(n, n);
            }
          }
        }
        scan(decl, 0, true);
      } else if (item instanceof Swc4jAstExportDefaultDecl d) {
        var decl = d.getDecl();
        var ident = decl instanceof Swc4jAstFnExpr f ? f.getIdent() : decl instanceof Swc4jAstClassExpr c ? c.getIdent() : java.util.Optional.<Swc4jAstIdent>empty();
        if (ident.isPresent()) {
          cut(d.getSpan().getStart(), start(decl));
          define("default", ident.get().getSym());
        } else {
          replace(d.getSpan().getStart(), start(decl), "const __b8g_default = ");
          define("default", "__b8g_default");
        }
        scan(decl, 0, true);
      } else if (item instanceof Swc4jAstExportDefaultExpr d) {
        replace(d.getSpan().getStart(), start(d.getExpr()), "const __b8g_default = ");
        define("default", "__b8g_default");
        scan(d.getExpr(), 0, true);
      } else if (item instanceof Swc4jAstNamedExport d) {
        blank(d);
        if (d.isTypeOnly()) {
          continue;
        }
        String v = d.getSrc().map(s -> moduleVar(s.getValue())).orElse(null);
        for (var s : d.getSpecifiers()) {
          if (s instanceof Swc4jAstExportNamedSpecifier n) {
            if (n.isTypeOnly()) {
              continue;
            }
            String orig = exportName(n.getOrig());
            String exported = n.getExported().map(CommonJs::exportName).orElse(orig);
            String read = v != null ? v + member(orig)
                : n.getOrig() instanceof Swc4jAstIdent i && imported.containsKey(key(i)) ? imported.get(key(i)) : orig;
            define(exported, read);
          } else if (s instanceof Swc4jAstExportNamespaceSpecifier n) {
            define(exportName(n.getName()), v);
          } else if (s instanceof Swc4jAstExportDefaultSpecifier n) {
            define(n.getExported().getSym(), v + ".default");
          }
        }
      } else if (item instanceof Swc4jAstExportAll d) {
        blank(d);
        String v = moduleVar(d.getSrc().getValue());
        requires.append("__b8g_esm.star(exports, ").append(v).append(");");
      } else {
        scan(item, 0, true);
      }
    }
  }

  /** Walks {@code node}: literal specifiers, import(), import.meta, top-level await, imported bindings. */
  private void scan(ISwc4jAst node, int functions, boolean esm) {
    if (node instanceof Swc4jAstFunction || node instanceof Swc4jAstArrowExpr) {
      functions++;
    } else if (esm && functions == 0 && (node instanceof Swc4jAstAwaitExpr || node instanceof Swc4jAstForOfStmt f && f.isAwait())) {
      throw new ComponentException("component.script", name + ":" + node.getSpan().getLine() + ": top-level await is not supported: "
          + "b8g runs a module as a function that require() calls synchronously (CommonJS, so the component can be snapshotted); "
          + "await inside main(env), which may be async");
    } else if (node instanceof Swc4jAstCallExpr call) {
      String literal = call.getArgs().size() == 1 && call.getArgs().get(0).getSpread().isEmpty() ? literal(call.getArgs().get(0).getExpr()) : null;
      if (call.getCallee() instanceof Swc4jAstImport callee) {
        replace(callee.getSpan().getStart(), callee.getSpan().getEnd(), "__b8g_esm.importer(require)");
        if (literal != null) {
          specifiers.put(literal, Mode.IMPORT);
        }
      } else if (call.getCallee() instanceof Swc4jAstIdent id && id.getSym().equals("require") && literal != null) {
        specifiers.putIfAbsent(literal, Mode.REQUIRE);
      }
    } else if (node instanceof Swc4jAstMemberExpr member && NODE_ENV.equals(text(member))) {
      replace(member.getSpan().getStart(), member.getSpan().getEnd(), "\"production\"");
      return;
    } else if (node instanceof Swc4jAstMetaPropExpr meta && meta.getKind() == Swc4jAstMetaPropKind.ImportMeta) {
      replace(meta.getSpan().getStart(), meta.getSpan().getEnd(), "__b8g_esm.meta(__filename)");
      return;
    } else if (node instanceof Swc4jAstIdent id && !imported.isEmpty()) {
      String read = imported.get(key(id));
      if (read != null && !(id.getParent() instanceof Swc4jAstBindingIdent)) {
        ISwc4jAst parent = id.getParent();
        String text = parent instanceof Swc4jAstObjectLit ? id.getSym() + ": " + read
            : (parent instanceof Swc4jAstCallExpr c && c.getCallee() == id) || (parent instanceof Swc4jAstTaggedTpl t && t.getTag() == id)
                ? "(0, " + read + ")" : read;
        replace(id.getSpan().getStart(), id.getSpan().getEnd(), text);
      }
      return;
    }
    for (ISwc4jAst child : node.getChildNodes()) {
      if (child != null) {
        scan(child, functions, esm);
      }
    }
  }

  private String text(ISwc4jAst node) {
    return source.substring(node.getSpan().getStart(), node.getSpan().getEnd());
  }

  private static String literal(ISwc4jAstExpr e) {
    if (e instanceof Swc4jAstStr s) {
      return s.getValue();
    }
    if (e instanceof Swc4jAstTpl t && t.getExprs().isEmpty() && t.getQuasis().size() == 1) {
      return t.getQuasis().get(0).getCooked().orElse(null);
    }
    return null;
  }

  private String moduleVar(String spec) {
    specifiers.put(spec, Mode.IMPORT);
    return moduleVars.computeIfAbsent(spec, s -> {
      String v = "__b8g_m" + moduleVars.size();
      requires.append("const ").append(v).append(" = __b8g_esm.ns(require(").append(quote(s)).append("));");
      return v;
    });
  }

  private void define(String exported, String read) {
    defines.append("__b8g_esm.define(exports, ").append(quote(exported)).append(", () => ").append(read).append(");");
  }

  private static List<String> bindingNames(ISwc4jAst pattern, List<String> out) {
    if (pattern instanceof Swc4jAstBindingIdent b) {
      out.add(b.getId().getSym());
      return out;
    }
    if (pattern instanceof Swc4jAstFunction || pattern instanceof Swc4jAstArrowExpr) {
      return out;
    }
    for (ISwc4jAst child : pattern.getChildNodes()) {
      if (child != null) {
        bindingNames(child, out);
      }
    }
    return out;
  }

  private static String exportName(ISwc4jAstModuleExportName n) {
    return n instanceof Swc4jAstIdent i ? i.getSym() : ((Swc4jAstStr) n).getValue();
  }

  private static String member(String name) {
    return name.matches("[A-Za-z_$][A-Za-z0-9_$]*") ? "." + name : "[" + quote(name) + "]";
  }

  private static String key(Swc4jAstIdent id) {
    return id.getSym() + "#" + id.getCtxt();
  }

  private static int start(ISwc4jAst node) {
    return node.getSpan().getStart();
  }

  private void blank(ISwc4jAst node) {
    edits.add(new Edit(node.getSpan().getStart(), node.getSpan().getEnd(), ""));
  }

  private void cut(int start, int end) {
    edits.add(new Edit(start, end, ""));
  }

  private void replace(int start, int end, String text) {
    edits.add(new Edit(start, end, text));
  }

  /** The edited text; an ES module gets its exports and imports on line 1. */
  private String apply(boolean esm) {
    StringBuilder b = new StringBuilder();
    if (esm) {
      b.append("\"use strict\";__b8g_esm.esModule(exports);").append(defines).append(requires);
    }
    edits.sort(Comparator.comparingInt(Edit::start));
    int at = 0;
    if (source.startsWith("#!")) {
      int nl = source.indexOf('\n');
      at = nl < 0 ? source.length() : nl;
    }
    for (Edit e : edits) {
      if (e.start < at) {
        continue;
      }
      b.append(source, at, e.start).append(e.text);
      for (int i = e.start; i < e.end; i++) {
        if (source.charAt(i) == '\n') {
          b.append('\n');
        }
      }
      at = e.end;
    }
    return b.append(source, at, source.length()).toString();
  }

  static String quote(String s) {
    StringBuilder b = new StringBuilder("\"");
    for (char ch : s.toCharArray()) {
      switch (ch) {
        case '"' -> b.append("\\\"");
        case '\\' -> b.append("\\\\");
        case '\n' -> b.append("\\n");
        case '\r' -> b.append("\\r");
        default -> {
          if (ch < 0x20 || ch == 0x2028 || ch == 0x2029) {
            b.append(String.format("\\u%04x", (int) ch));
          } else {
            b.append(ch);
          }
        }
      }
    }
    return b.append('"').toString();
  }
}
