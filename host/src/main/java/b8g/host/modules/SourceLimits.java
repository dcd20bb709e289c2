package b8g.host.modules;

import b8g.components.ComponentException;

/**
 * What a source must satisfy before it reaches swc, a native parser running in the host's JVM:
 * at most {@link #MAX_CHARS} characters and bracket nesting ({@code ( [ { ${}) at most
 * {@link #MAX_NESTING} deep. swc parses recursively and overflows its native stack on deeply
 * nested input (swc issue 12024), which aborts the whole JVM; a huge file builds a huge AST.
 *
 * <p>A linear, approximate lexer: comments, strings and template text are skipped, regular
 * expressions are told from division by the token before them. It errs towards counting more:
 * a closer that does not match the innermost opener is not counted, and a regular expression
 * where a division may have been (after {@code }}) adds the openers it leaves open. The npm
 * packages of the tests nest at most 40 deep.
 */
final class SourceLimits {
  /** Deepest bracket nesting accepted. */
  static final int MAX_NESTING = 256;
  /** Largest file (in chars) given to swc. */
  static final int MAX_CHARS = 4 << 20;

  private static final java.util.Set<String> REGEX_AFTER = java.util.Set.of("return", "typeof", "instanceof", "in", "of", "new",
      "delete", "void", "throw", "case", "do", "else", "yield", "await");
  private static final java.util.Set<String> CONTROL = java.util.Set.of("if", "while", "for", "with");
  // Keywords swc parses recursively: statements in statements, prefix operators, TypeScript's type operators.
  private static final java.util.Set<String> RECURSING = java.util.Set.of("if", "else", "while", "for", "with", "do", "typeof",
      "void", "delete", "await", "new", "yield", "keyof", "infer", "unique", "readonly");
  // Words that go on the statement before a line break.
  private static final java.util.Set<String> CONTINUING = java.util.Set.of("else", "in", "instanceof", "of", "as", "satisfies",
      "extends", "implements", "catch", "finally", "while");
  private static final java.util.Set<String> COMPARISONS = java.util.Set.of("==", "===", "!=", "!==", "<=", ">=");
  private static final String OPERATORS = "=!<>&|^+-*%?:~";

  private SourceLimits() {}

  /**
   * Refuses {@code source} (the text of module {@code name}) when it is too large or too deeply
   * nested; returns the nesting it counted.
   */
  static int check(String source, String name) {
    if (source.length() > MAX_CHARS) {
      throw new ComponentException("component.script", name + ": " + source.length() + " characters, more than the "
          + MAX_CHARS + " b8g parses in one module");
    }
    return new Scan(source, name).run();
  }

  /** One pass over a source: a stack of open brackets and, per bracket, the chain of recursing tokens in it. */
  private static final class Scan {
    private final String source;
    private final String name;
    private final boolean ts;
    // Open brackets: ( [ { , 'c' for a control statement's (, '$' for a template's ${.
    private final char[] stack = new char[MAX_NESTING + 2];
    // Per level (0 is the top level): the prefix operators, assignments, conditionals, arrows and
    // statement keywords since its last , or ; (what swc parses recursively without brackets).
    private final int[] chain = new int[MAX_NESTING + 2];
    private int depth;
    private int chained;
    private int max;
    private int line = 1;

    Scan(String source, String name) {
      this.source = source;
      this.name = name;
      String lower = name.toLowerCase(java.util.Locale.ROOT);
      this.ts = lower.endsWith(".ts") || lower.endsWith(".mts") || lower.endsWith(".cts");
    }

    int run() {
    String source = this.source;
    int n = source.length();
    boolean regexOk = true;
    boolean newline = false;
    String word = "";
    int i = 0;
    while (i < n) {
      char c = source.charAt(i);
      if (c == '\n') {
        line++;
        newline = true;
        i++;
        continue;
      } else if (c == ' ' || c == '\t' || c == '\r' || c == '\f' || c == '\u000b') {
        i++;
        continue;
      } else if (c == '/' && i + 1 < n && source.charAt(i + 1) == '/') {
        while (i < n && source.charAt(i) != '\n') {
          i++;
        }
        continue;
      } else if (c == '/' && i + 1 < n && source.charAt(i + 1) == '*') {
        int end = source.indexOf("*/", i + 2);
        end = end < 0 ? n : end + 2;
        int k = lines(source, i, end);
        line += k;
        newline |= k > 0;
        i = end;
        continue;
      }
      boolean operandBefore = !regexOk || word.equals("}");
      if (c == '/' && regexOk) {
        boolean afterBrace = word.equals("}");
        int start = i;
        boolean inClass = false;
        i++;
        while (i < n) {
          char r = source.charAt(i);
          if (r == '\\') {
            i += 2;
            continue;
          } else if (r == '\n') {
            break;
          } else if (r == '[') {
            inClass = true;
          } else if (r == ']') {
            inClass = false;
          } else if (r == '/' && !inClass) {
            i++;
            break;
          }
          i++;
        }
        i = Math.min(i, n);
        if (afterBrace) {
          // It may have been a division: what it leaves open or chains counts as nesting.
          int open = 0;
          for (int k = start; k < i; k++) {
            char r = source.charAt(k);
            if (r == '(' || r == '[' || r == '{') {
              open++;
            } else if ((r == ')' || r == ']' || r == '}') && open > 0) {
              open--;
            } else if (OPERATORS.indexOf(r) >= 0) {
              chain(1);
            }
          }
          for (; open > 0; open--) {
            push('(');
          }
        }
        while (i < n && Character.isJavaIdentifierPart(source.charAt(i))) {
          i++;
        }
        regexOk = false;
        word = "/";
      } else if (c == '\'' || c == '"') {
        i++;
        while (i < n && source.charAt(i) != c && source.charAt(i) != '\n') {
          if (source.charAt(i) == '\\' && i + 1 < n) {
            if (source.charAt(i + 1) == '\n') {
              line++;
            }
            i++;
          }
          i++;
        }
        i++;
        regexOk = false;
        word = "\"";
      } else if (c == '`' || (c == '}' && depth > 0 && stack[depth - 1] == '$')) {
        if (c == '}') {
          pop();
        }
        i++;
        // Template text up to its end or the next ${.
        boolean subst = false;
        while (i < n) {
          char t = source.charAt(i);
          if (t == '\\') {
            if (i + 1 < n && source.charAt(i + 1) == '\n') {
              line++;
            }
            i += 2;
            continue;
          } else if (t == '\n') {
            line++;
          } else if (t == '`') {
            i++;
            break;
          } else if (t == '$' && i + 1 < n && source.charAt(i + 1) == '{') {
            i += 2;
            subst = true;
            break;
          }
          i++;
        }
        if (subst) {
          push('$');
          regexOk = true;
          word = "${";
        } else {
          regexOk = false;
          word = "`";
        }
      } else if (c == '(' || c == '[' || c == '{') {
        push(c == '(' && CONTROL.contains(word) ? 'c' : c);
        regexOk = true;
        word = String.valueOf(c);
        i++;
      } else if (c == ')' || c == ']' || c == '}') {
        char top = depth > 0 ? stack[depth - 1] : 0;
        boolean control = top == 'c' && c == ')';
        if (control || (c == ')' && top == '(') || (c == ']' && top == '[') || (c == '}' && top == '{')) {
          pop();
        }
        regexOk = control || c == '}';
        word = String.valueOf(c);
        i++;
      } else if (Character.isJavaIdentifierStart(c) || c == '\\') {
        int start = i;
        i++;
        while (i < n && (Character.isJavaIdentifierPart(source.charAt(i)) || source.charAt(i) == '\\')) {
          i++;
        }
        String w = source.substring(start, i);
        if (w.equals("case") || w.equals("default") || (newline && operandBefore && !CONTINUING.contains(w))) {
          // A new statement (after a line break, as ASI reads it) or case clause: no nesting carried over.
          reset();
        }
        if (RECURSING.contains(w)) {
          chain(1);
        }
        word = w;
        regexOk = REGEX_AFTER.contains(word);
      } else if (c >= '0' && c <= '9' || c == '.' && i + 1 < n && Character.isDigit(source.charAt(i + 1))) {
        i++;
        while (i < n && (Character.isLetterOrDigit(source.charAt(i)) || source.charAt(i) == '.' || source.charAt(i) == '_')) {
          i++;
        }
        regexOk = false;
        word = "0";
      } else if (OPERATORS.indexOf(c) >= 0) {
        int start = i;
        while (i < n && OPERATORS.indexOf(source.charAt(i)) >= 0) {
          i++;
        }
        String op = source.substring(start, i);
        boolean postfix = !regexOk && (op.equals("++") || op.equals("--"));
        if (regexOk) {
          chain(op.length()); // prefix operators: ! ~ + - ++ --, each a level
        } else if (ts && op.indexOf('<') >= 0) {
          chain(op.length()); // type arguments, as A<B<C>>
        } else {
          int k = op.contains("**") || op.indexOf('?') >= 0 || op.indexOf(':') >= 0
              || (op.indexOf('=') >= 0 && !COMPARISONS.contains(op)) ? 1 : 0; // assignments, arrows, conditionals, **
          for (int j = 1; j < op.length(); j++) {
            k += "!~+-".indexOf(op.charAt(j)) >= 0 ? 1 : 0; // prefix operators after a binary one
          }
          chain(k);
        }
        regexOk = !postfix;
        word = op;
      } else {
        if (c == ',' || c == ';') {
          reset();
        }
        i++;
        regexOk = c != '.';
        word = String.valueOf(c);
      }
      newline = false;
    }
    return max;
    }

    private void push(char c) {
      stack[depth] = c;
      depth++;
      chain[depth] = 0;
      check();
    }

    private void pop() {
      chained -= chain[depth];
      chain[depth] = 0;
      depth--;
    }

    private void chain(int k) {
      chain[depth] += k;
      chained += k;
      check();
    }

    private void reset() {
      chained -= chain[depth];
      chain[depth] = 0;
    }

    private void check() {
      max = Math.max(max, depth + chained);
      if (depth + chained > MAX_NESTING) {
        throw new ComponentException("component.script", name + ":" + line + ": code nests deeper than " + MAX_NESTING
            + " (brackets, prefix operators, assignments, conditionals, statements): b8g refuses such a module before"
            + " parsing it (its parser would overflow its stack)");
      }
    }
  }

  private static int lines(String s, int from, int to) {
    int k = 0;
    for (int j = from; j < to; j++) {
      if (s.charAt(j) == '\n') {
        k++;
      }
    }
    return k;
  }
}
