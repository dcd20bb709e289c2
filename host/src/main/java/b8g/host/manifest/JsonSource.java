package b8g.host.manifest;

import com.google.protobuf.Descriptors.Descriptor;
import com.google.protobuf.Descriptors.FieldDescriptor;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A strict JSON reader (RFC 8259) that keeps the line and column of every key and value, and checks
 * keys against the manifest schema. It runs before {@code JsonFormat}, which is lenient (it accepts
 * single quotes, unquoted names, trailing garbage and repeated keys) and reports no positions.
 */
final class JsonSource {
  /** Deeper than any manifest needs; keeps a hostile file from exhausting the stack. */
  static final int MAX_DEPTH = 64;

  sealed interface Node permits Obj, Arr, Leaf {
    int line();

    int column();
  }

  record Member(String key, int line, int column, Node value) {}

  record Obj(int line, int column, Map<String, Member> members) implements Node {}

  record Arr(int line, int column, List<Node> items) implements Node {}

  /** A string (decoded), number (as written), true, false or null. */
  record Leaf(int line, int column, String text, boolean string) implements Node {}

  private final String text;
  private final SourceMap map;
  private final List<Leaf> leaves = new ArrayList<>();
  private int pos;
  private int line = 1;
  private int lineStart;

  private JsonSource(String text, SourceMap map) {
    this.text = text;
    this.map = map;
  }

  /** Reads, checks against the schema of {@code root}, and records locations into {@code map}. */
  static JsonSource read(String text, SourceMap map, Descriptor root) {
    JsonSource source = new JsonSource(text, map);
    source.skipSpace();
    if (source.pos >= text.length()) {
      throw source.syntax("the file is empty; a JSON manifest is one object, for example {\"components\": []}");
    }
    Node node = source.value(0);
    source.skipSpace();
    if (source.pos < text.length()) {
      throw source.syntax("unexpected text after the end of the manifest object; remove it.");
    }
    if (!(node instanceof Obj obj)) {
      throw new ManifestException("manifest.syntax", source.at(node.line(), node.column()),
          "a JSON manifest must be one object ({...}); found something else. Wrap the fields in braces.");
    }
    source.walk(obj, root, "");
    return source;
  }

  /** Values in document order, to locate a value named in a {@code JsonFormat} error. */
  List<Leaf> leaves() {
    return leaves;
  }

  private void walk(Obj obj, Descriptor type, String prefix) {
    Map<String, String> seen = new LinkedHashMap<>();
    for (Member member : obj.members().values()) {
      FieldDescriptor field = type.findFieldByName(member.key());
      if (field == null) {
        for (FieldDescriptor f : type.getFields()) {
          if (f.getJsonName().equals(member.key())) {
            field = f;
          }
        }
      }
      if (field == null) {
        throw ManifestLoader.unknownField(at(member.line(), member.column()), type, member.key());
      }
      String earlier = seen.put(field.getName(), member.key());
      if (earlier != null) {
        throw new ManifestException("manifest.syntax", at(member.line(), member.column()),
            "field \"" + field.getName() + "\" is given twice in this object (as \"" + earlier + "\" and \""
                + member.key() + "\"); keep one.");
      }
      String path = prefix + field.getName();
      map.put(path, member.line(), member.column());
      boolean isMessage = field.getJavaType() == FieldDescriptor.JavaType.MESSAGE;
      if (field.isRepeated() && member.value() instanceof Arr arr) {
        for (int i = 0; i < arr.items().size(); i++) {
          Node item = arr.items().get(i);
          map.put(path + "[" + i + "]", item.line(), item.column());
          if (isMessage && item instanceof Obj nested) {
            walk(nested, field.getMessageType(), path + "[" + i + "].");
          }
        }
      } else if (isMessage && member.value() instanceof Obj nested) {
        walk(nested, field.getMessageType(), path + ".");
      }
    }
  }

  private Node value(int depth) {
    if (depth > MAX_DEPTH) {
      throw syntax("nesting deeper than " + MAX_DEPTH + " levels; a manifest needs at most 4");
    }
    skipSpace();
    if (pos >= text.length()) {
      throw syntax("the file ends where a value was expected; is a closing bracket or brace missing?");
    }
    int l = line;
    int c = column();
    char ch = text.charAt(pos);
    switch (ch) {
      case '{':
        return object(depth, l, c);
      case '[':
        return array(depth, l, c);
      case '"':
        return leaf(new Leaf(l, c, string(), true));
      default:
        if (ch == '-' || (ch >= '0' && ch <= '9')) {
          return leaf(new Leaf(l, c, number(), false));
        }
        for (String word : new String[] {"true", "false", "null"}) {
          if (text.startsWith(word, pos)) {
            pos += word.length();
            return leaf(new Leaf(l, c, word, false));
          }
        }
        throw syntax("expected a value (string in double quotes, number, object, list, true, false or null), found "
            + describe(ch));
    }
  }

  private Leaf leaf(Leaf leaf) {
    leaves.add(leaf);
    return leaf;
  }

  private Obj object(int depth, int l, int c) {
    pos++;
    Map<String, Member> members = new LinkedHashMap<>();
    skipSpace();
    if (peek() == '}') {
      pos++;
      return new Obj(l, c, members);
    }
    while (true) {
      skipSpace();
      if (peek() != '"') {
        throw syntax("expected a field name in double quotes, found " + describe(peek()));
      }
      int kl = line;
      int kc = column();
      String key = string();
      skipSpace();
      if (peek() != ':') {
        throw syntax("expected ':' after the field name \"" + key + "\", found " + describe(peek()));
      }
      pos++;
      Node value = value(depth + 1);
      if (members.containsKey(key)) {
        throw new ManifestException("manifest.syntax", at(kl, kc),
            "field \"" + key + "\" is given twice in this object; keep one.");
      }
      members.put(key, new Member(key, kl, kc, value));
      skipSpace();
      char next = peek();
      pos++;
      if (next == '}') {
        return new Obj(l, c, members);
      }
      if (next != ',') {
        pos--;
        throw syntax("expected ',' or '}' after a field, found " + describe(next));
      }
    }
  }

  private Arr array(int depth, int l, int c) {
    pos++;
    List<Node> items = new ArrayList<>();
    skipSpace();
    if (peek() == ']') {
      pos++;
      return new Arr(l, c, items);
    }
    while (true) {
      items.add(value(depth + 1));
      skipSpace();
      char next = peek();
      pos++;
      if (next == ']') {
        return new Arr(l, c, items);
      }
      if (next != ',') {
        pos--;
        throw syntax("expected ',' or ']' in a list, found " + describe(next));
      }
    }
  }

  private String string() {
    pos++; // opening quote
    StringBuilder out = new StringBuilder();
    while (true) {
      if (pos >= text.length()) {
        throw syntax("the file ends inside a string; is a closing \" missing?");
      }
      char ch = text.charAt(pos);
      if (ch == '"') {
        pos++;
        return out.toString();
      }
      if (ch < 0x20) {
        throw syntax("a string contains a raw control character (such as a line break); escape it or close the string");
      }
      if (ch != '\\') {
        out.append(ch);
        pos++;
        continue;
      }
      if (pos + 1 >= text.length()) {
        throw syntax("the file ends inside an escape sequence");
      }
      char esc = text.charAt(pos + 1);
      switch (esc) {
        case '"', '\\', '/' -> out.append(esc);
        case 'b' -> out.append('\b');
        case 'f' -> out.append('\f');
        case 'n' -> out.append('\n');
        case 'r' -> out.append('\r');
        case 't' -> out.append('\t');
        case 'u' -> {
          if (pos + 6 > text.length()) {
            throw syntax("incomplete \\u escape; it needs four hex digits");
          }
          int code = 0;
          for (int i = pos + 2; i < pos + 6; i++) {
            int digit = Character.digit(text.charAt(i), 16);
            if (digit < 0) {
              throw syntax("invalid \\u escape; it needs four hex digits");
            }
            code = code * 16 + digit;
          }
          out.append((char) code);
          pos += 4;
        }
        default -> throw syntax("invalid escape \\" + esc + " in a string; JSON allows \\\" \\\\ \\/ \\b \\f \\n \\r \\t \\uXXXX");
      }
      pos += 2;
    }
  }

  private String number() {
    int start = pos;
    if (peek() == '-') {
      pos++;
    }
    if (peek() == '0') {
      pos++;
    } else if (isDigit(peek())) {
      while (isDigit(peek())) {
        pos++;
      }
    } else {
      throw syntax("a number needs digits after '-'");
    }
    if (peek() == '.') {
      pos++;
      if (!isDigit(peek())) {
        throw syntax("a number needs digits after '.'");
      }
      while (isDigit(peek())) {
        pos++;
      }
    }
    if (peek() == 'e' || peek() == 'E') {
      pos++;
      if (peek() == '+' || peek() == '-') {
        pos++;
      }
      if (!isDigit(peek())) {
        throw syntax("a number needs digits in its exponent");
      }
      while (isDigit(peek())) {
        pos++;
      }
    }
    return text.substring(start, pos);
  }

  private static boolean isDigit(char ch) {
    return ch >= '0' && ch <= '9';
  }

  /** The next character, or NUL at the end (NUL is never valid where peek is used). */
  private char peek() {
    return pos < text.length() ? text.charAt(pos) : '\0';
  }

  private void skipSpace() {
    while (pos < text.length()) {
      char ch = text.charAt(pos);
      if (ch == '\n') {
        line++;
        lineStart = pos + 1;
      } else if (ch != ' ' && ch != '\t' && ch != '\r') {
        return;
      }
      pos++;
    }
  }

  private int column() {
    return pos - lineStart + 1;
  }

  private String describe(char ch) {
    if (pos >= text.length()) {
      return "the end of the file";
    }
    return ch >= 0x20 && ch < 0x7f ? "'" + ch + "'" : String.format("character U+%04X", (int) ch);
  }

  private SourceLocation at(int l, int c) {
    return new SourceLocation(map.file(), l, c);
  }

  private ManifestException syntax(String detail) {
    return new ManifestException("manifest.syntax", at(line, column()), "JSON syntax: " + detail + (detail.endsWith(".") ? "" : "."));
  }
}
