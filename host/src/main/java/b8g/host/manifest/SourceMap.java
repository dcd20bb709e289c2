package b8g.host.manifest;

import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.Message;
import com.google.protobuf.TextFormatParseInfoTree;
import com.google.protobuf.TextFormatParseLocation;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Where each element of a parsed manifest was written, keyed by a field path in proto field names:
 * {@code components[1]}, {@code components[1].limits.heap_mib}, {@code grants[0].rights[1]}.
 *
 * <p>Text format records the position of the field name; JSON the position of the key (for
 * fields) or of the value (for elements of a list). A path that was not written (a missing field)
 * is located at its nearest written ancestor; the root is line 1, column 1.
 */
final class SourceMap {
  private final Path file;
  private final boolean code;
  private final Map<String, long[]> positions = new HashMap<>();

  SourceMap(Path file) {
    this(file, false);
  }

  private SourceMap(Path file, boolean code) {
    this.file = file;
    this.code = code;
  }

  /**
   * For a composition built in code: nothing was written, so every location names the field path
   * itself ({@code <file> at grants[2].service}).
   */
  static SourceMap forCode(Path nominal) {
    return new SourceMap(nominal, true);
  }

  Path file() {
    return file;
  }

  void put(String path, int line, int column) {
    positions.putIfAbsent(path, new long[] {line, column});
  }

  /** Whether the path was written in the source (used to tell an explicit 0 from an absent field). */
  boolean has(String path) {
    return positions.containsKey(path);
  }

  /** The location of the path, or of its nearest written ancestor. */
  SourceLocation locate(String path) {
    if (code) {
      return SourceLocation.unknown(file.resolveSibling(file.getFileName() + (path.isEmpty() ? "" : " at " + path)));
    }
    String p = path;
    while (!p.isEmpty()) {
      long[] at = positions.get(p);
      if (at != null) {
        return new SourceLocation(file, (int) at[0], (int) at[1]);
      }
      p = parent(p);
    }
    return new SourceLocation(file, 1, 1);
  }

  static String parent(String path) {
    int cut = path.endsWith("]") ? path.lastIndexOf('[') : path.lastIndexOf('.');
    return cut < 0 ? "" : path.substring(0, cut);
  }

  /**
   * Records every field of {@code message} from a text-format parse tree. A repeated field written
   * in list form ({@code rights: [READ, WRITE]}) has one location for the whole list; its elements
   * are located at the last location recorded at or before their index, and fields inside
   * messages written in list form at the list.
   */
  static SourceMap fromTextFormat(Path file, TextFormatParseInfoTree tree, Message message) {
    SourceMap map = new SourceMap(file);
    map.addText("", tree, message);
    return map;
  }

  private void addText(String prefix, TextFormatParseInfoTree tree, Message message) {
    for (FieldDescriptor field : message.getDescriptorForType().getFields()) {
      List<TextFormatParseLocation> locations = tree.getLocations(field);
      if (locations.isEmpty()) {
        continue;
      }
      String path = prefix + field.getName();
      putText(path, locations.get(0));
      boolean isMessage = field.getJavaType() == FieldDescriptor.JavaType.MESSAGE;
      List<TextFormatParseInfoTree> nested = isMessage ? tree.getNestedTrees(field) : List.of();
      if (field.isRepeated()) {
        int count = message.getRepeatedFieldCount(field);
        for (int i = 0; i < count; i++) {
          putText(path + "[" + i + "]", locations.get(Math.min(i, locations.size() - 1)));
          // In list form ({@code components: [{...}, {...}]}) the parser merges the elements of
          // one list into one nested tree, so positions inside them cannot be told apart; such
          // elements are located at their list and no deeper.
          if (nested.size() == count) {
            addText(path + "[" + i + "].", nested.get(i), (Message) message.getRepeatedField(field, i));
          }
        }
      } else if (!nested.isEmpty()) {
        addText(path + ".", nested.get(nested.size() - 1), (Message) message.getField(field));
      }
    }
  }

  private void putText(String path, TextFormatParseLocation location) {
    // The parse tree counts from 0; messages count from 1.
    put(path, location.getLine() + 1, location.getColumn() + 1);
  }
}
