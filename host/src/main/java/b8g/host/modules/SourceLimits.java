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
    int n = source.length();
    // Open brackets: ( [ { , 'c' for a control statement's (, '$' for a template's ${.
    char[] stack = new char[MAX_NESTING + 1];
    int depth = 0;
    int max = 0;
    int line = 1;
    boolean regexOk = true;
    String word = "";
    int i = 0;
    while (i < n) {
      char c = source.charAt(i);
      if (c == '\n') {
        line++;
        i++;
      } else if (c == ' ' || c == '\t' || c == '\r' || c == '\f' || c == '\u000b') {
        i++;
      } else if (c == '/' && i + 1 < n && source.charAt(i + 1) == '/') {
        while (i < n && source.charAt(i) != '\n') {
          i++;
        }
      } else if (c == '/' && i + 1 < n && source.charAt(i + 1) == '*') {
        int end = source.indexOf("*/", i + 2);
        end = end < 0 ? n : end + 2;
        line += lines(source, i, end);
        i = end;
      } else if (c == '/' && regexOk) {
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
          // It may have been a division: what it leaves open counts as nesting.
          int open = 0;
          for (int k = start; k < i; k++) {
            char r = source.charAt(k);
            if (r == '(' || r == '[' || r == '{') {
              open++;
            } else if ((r == ')' || r == ']' || r == '}') && open > 0) {
              open--;
            }
          }
          for (; open > 0; open--) {
            depth = push(stack, depth, '(', name, line);
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
          depth--;
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
          depth = push(stack, depth, '$', name, line);
          regexOk = true;
          word = "${";
        } else {
          regexOk = false;
          word = "`";
        }
      } else if (c == '(' || c == '[' || c == '{') {
        depth = push(stack, depth, c == '(' && CONTROL.contains(word) ? 'c' : c, name, line);
        regexOk = true;
        word = String.valueOf(c);
        i++;
      } else if (c == ')' || c == ']' || c == '}') {
        char top = depth > 0 ? stack[depth - 1] : 0;
        boolean control = top == 'c' && c == ')';
        if (control || (c == ')' && top == '(') || (c == ']' && top == '[') || (c == '}' && top == '{')) {
          depth--;
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
        word = source.substring(start, i);
        regexOk = REGEX_AFTER.contains(word);
      } else if (c >= '0' && c <= '9' || c == '.' && i + 1 < n && Character.isDigit(source.charAt(i + 1))) {
        i++;
        while (i < n && (Character.isLetterOrDigit(source.charAt(i)) || source.charAt(i) == '.' || source.charAt(i) == '_')) {
          i++;
        }
        regexOk = false;
        word = "0";
      } else if ((c == '+' || c == '-') && i + 1 < n && source.charAt(i + 1) == c) {
        i += 2;
        regexOk = false;
        word = "++";
      } else {
        i++;
        regexOk = true;
        word = String.valueOf(c);
      }
      max = Math.max(max, depth);
    }
    return max;
  }

  private static int push(char[] stack, int depth, char c, String name, int line) {
    if (depth >= MAX_NESTING) {
      throw new ComponentException("component.script", name + ":" + line + ": brackets nest deeper than " + MAX_NESTING
          + ": b8g refuses such a module before parsing it (its parser would overflow its stack)");
    }
    stack[depth] = c;
    return depth + 1;
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
