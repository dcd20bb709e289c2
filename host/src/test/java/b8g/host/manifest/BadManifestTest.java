package b8g.host.manifest;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import b8g.errors.B8gException;
import java.nio.file.Path;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Every malformed manifest under manifests/bad fails with its code, at its line and column. */
class BadManifestTest {

  @ParameterizedTest(name = "{0} -> {1} at {2}:{3}")
  @CsvSource(delimiter = '|', textBlock = """
      syntax.txtpb                  | manifest.syntax                 | 4 | 22 | twelve
      two_targets.txtpb             | manifest.syntax                 | 2 | 44 | oneof
      unknown_field.txtpb           | manifest.unknown_field          | 3 |  3 | Did you mean "script"?
      unspecified_backing.txtpb     | manifest.unspecified_enum       | 4 |  3 | BACKING_UNSPECIFIED is not allowed
      missing_backing.txtpb         | manifest.unspecified_enum       | 2 |  1 | missing backing for region "r"
      restart_mode_missing.txtpb    | manifest.unspecified_enum       | 4 |  3 | missing restart mode
      host_unspecified.txtpb        | manifest.unspecified_enum       | 2 | 25 | RUN, WATCH, LOG
      right_unspecified.txtpb       | manifest.unspecified_enum       | 3 | 38 | RIGHT_UNSPECIFIED
      unknown_enum_number.txtpb     | manifest.unknown_enum_value     | 2 | 22 | backing 7
      duplicate_component.txtpb     | manifest.duplicate_name         | 2 | 14 | first declared at 1:1
      duplicate_region.txtpb        | manifest.duplicate_name         | 3 | 11 | duplicate region name "r"
      duplicate_channel.txtpb       | manifest.duplicate_name         | 3 | 12 | duplicate channel name "c"
      invalid_identifier.txtpb      | manifest.invalid_identifier     | 1 | 14 | "9lives" is not an identifier
      missing_script.txtpb          | manifest.missing_script         | 2 |  1 | add script: "b.js"
      script_not_found.txtpb        | manifest.script_not_found       | 1 | 24 | "nope.js"
      script_escapes.txtpb          | manifest.path_escapes           | 1 | 24 | through '..'
      script_absolute.txtpb         | manifest.path_escapes           | 1 | 24 | is absolute
      script_not_file.txtpb         | manifest.script_not_file        | 1 | 24 | not a regular file
      grant_unknown_component.txtpb | manifest.unknown_component      | 3 | 10 | "ghost"
      unknown_handle.txtpb          | manifest.unknown_handle         | 5 | 28 | declared channels are: numbers, results. Declare it under channels
      grant_no_target.txtpb         | manifest.grant_no_target        | 2 |  1 | names nothing to grant
      grant_no_rights.txtpb         | manifest.grant_no_rights        | 3 |  1 | gives no rights
      two_writers.txtpb             | manifest.two_writers            | 5 |  1 | "a" (at 4:1) and "b"
      two_readers.txtpb             | manifest.two_readers            | 5 |  1 | exactly one reader
      channel_both_ends.txtpb       | manifest.channel_both_ends      | 3 | 38 | two grants
      right_not_allowed.txtpb       | manifest.right_not_allowed      | 3 | 50 | allows only READ
      grant_path_escapes.txtpb      | manifest.path_escapes           | 2 | 49 | "../good"
      grant_path_not_found.txtpb    | manifest.path_not_found         | 2 | 35 | "tools/child.js"
      paths_not_applicable.txtpb    | manifest.paths_not_applicable   | 2 | 35 | only for host capabilities RUN and WATCH
      host_rights.txtpb             | manifest.host_rights            | 2 | 35 | takes none
      duplicate_env.txtpb           | manifest.duplicate_env          | 5 | 51 | two capabilities named "in"
      duplicate_env_link.txtpb      | manifest.duplicate_env          | 5 |  1 | "a_secret"
      reserved_env.txtpb            | manifest.reserved_env           | 2 | 35 | "export" is reserved
      link_unknown_component.txtpb  | manifest.unknown_component      | 2 | 19 | "zed"
      self_link.txtpb               | manifest.self_link              | 2 | 19 | its own secret
      after_unknown.txtpb           | manifest.unknown_component      | 1 | 39 | waits for "b"
      after_self.txtpb              | manifest.after_self             | 2 | 50 | names itself
      after_cycle.txtpb             | manifest.after_cycle            | 2 | 53 | x -> z -> y -> x
      region_size_zero.txtpb        | manifest.region_size            | 2 |  1 | has no size
      region_size_large.txtpb       | manifest.region_size            | 2 | 40 | too large
      channel_capacity.txtpb        | manifest.channel_capacity       | 2 | 41 | use for example 65536
      channel_capacity_small.txtpb  | manifest.channel_capacity       | 2 | 41 | use for example 4096
      restart_max_missing.txtpb     | manifest.restart_max_missing    | 1 | 49 | max_restarts of at least 1
      restart_max_not_allowed.txtpb | manifest.restart_max_not_allowed| 1 | 61 | only for mode ON_FAILURE
      limit_heap.txtpb              | manifest.limit_range            | 1 | 48 | heap_mib 5000
      limit_cpu_zero.txtpb          | manifest.limit_range            | 2 | 18 | cpu_ms_per_turn 0
      backing_option.txtpb          | manifest.backing_option         | 2 | 49 | only for backing SHM_FILE
      invalid_file_name.txtpb       | manifest.invalid_file_name      | 2 | 40 | plain file name
      no_components.txtpb           | manifest.no_components          | 1 |  1 | nothing to run
      isolation_unspecified.txtpb   | manifest.unspecified_enum       | 1 | 39 | one of: IN_PROCESS, PROCESS
      isolation_unknown_number.txtpb| manifest.unknown_enum_value     | 1 | 39 | isolation 9
      process_group_name.txtpb      | manifest.invalid_process_group  | 1 | 39 | "Workers" of component "a" is not a group name; a group name matches [a-z0-9][a-z0-9_-]{0,62}
      process_group_in_process.txtpb| manifest.isolation_conflict     | 2 | 36 | but also isolation: IN_PROCESS
      isolation_run_grant.txtpb     | manifest.isolation              | 3 |  1 | component "a": env.spawn grants host capability RUN, which a component in a worker process cannot use yet; run it IN_PROCESS
      isolation_group_watch.txtpb   | manifest.isolation              | 3 |  1 | component "b": env.watch grants host capability WATCH
      net_wildcard.txtpb            | manifest.net_pattern            | 2 | 35 | wildcard hosts are not allowed
      net_port.txtpb                | manifest.net_pattern            | 4 |  3 | "99999" is not a port; a port is 1 to 65535
      net_prefix.txtpb              | manifest.net_pattern            | 2 | 35 | the prefix length must be 0 to 32
      net_no_allow.txtpb            | manifest.net_no_allow           | 2 |  1 | allows nothing; add allow: "host:port" patterns
      net_allow_on_log.txtpb        | manifest.allow_not_applicable   | 2 | 35 | allow is only for host capability NET
      isolation_net.txtpb           | manifest.isolation              | 3 |  1 | component "a": env.net grants host capability NET, which a component in a worker process cannot use yet
      syntax.json                   | manifest.syntax                 | 3 | 18 | expected ',' or '}'
      trailing.json                 | manifest.syntax                 | 2 |  1 | after the end
      duplicate_key.json            | manifest.syntax                 | 2 | 18 | "name" is given twice
      unknown_field.json            | manifest.unknown_field          | 3 | 37 | Did you mean "limits"?
      unknown_handle.json           | manifest.unknown_handle         | 5 | 27 | "numbrs"
      bad_enum.json                 | manifest.syntax                 | 4 | 28 | "ANONYMUS"
      unspecified.json              | manifest.unspecified_enum       | 3 | 30 | BACKING_UNSPECIFIED
      isolation_snapshot.json       | manifest.isolation              | 5 |  5 | component "a": env.snap grants host capability SNAPSHOT
      wrong.yaml                    | manifest.unsupported_format     | 0 |  0 | .txtpb
      """)
  void shouldRejectMalformedManifest(String name, String code, int line, int column, String words) {
    Path file = Manifests.resource("bad/" + name);
    ManifestException e = assertThrows(ManifestException.class, () -> ManifestLoader.load(file));
    String where = line == 0 ? file.toString() : file + ":" + line + ":" + column;
    assertAll(
        () -> assertEquals(code, e.code(), e::getMessage),
        () -> assertEquals(B8gException.Category.MANIFEST, e.category()),
        () -> assertEquals(line, e.line(), e::getMessage),
        () -> assertEquals(column, e.column(), e::getMessage),
        () -> assertEquals(file, e.file()),
        () -> assertTrue(e.getMessage().startsWith(where + ": "), e::getMessage),
        () -> assertTrue(e.detail().contains(words.strip()), e::getMessage));
  }
}
