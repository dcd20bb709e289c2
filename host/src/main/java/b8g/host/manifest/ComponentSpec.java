package b8g.host.manifest;

import b8g.components.Limits;
import b8g.host.manifest.schema.Isolation;
import b8g.host.manifest.schema.RestartPolicy;
import java.nio.file.Path;
import java.util.List;

/**
 * One validated component, with everything resolved.
 *
 * @param script the real, absolute path of an existing regular file inside the manifest's directory
 *     (checked at load time; the host must still handle it vanishing later, see {@code scriptLocation})
 * @param limits effective limits (component's, else the manifest's defaults, else the host's)
 * @param restartMode NEVER or ON_FAILURE (NEVER when the manifest has no {@code restart})
 * @param maxRestarts 0 for NEVER; 1 to 10000 for ON_FAILURE
 * @param after components that must start first (declared, distinct, not itself)
 * @param isolation the tier the manifest asks for, resolved: never ISOLATION_UNSPECIFIED; IN_PROCESS
 *     when the manifest says nothing, PROCESS when it sets a {@code process_group}. A host may
 *     force every component into one tier whatever this says ({@code Host.Context.isolation})
 * @param processGroup the worker process this component shares with the other components of the
 *     same group, by group name; the empty string means a worker of its own. Always empty for
 *     IN_PROCESS
 * @param grants what the manifest grants this component, in manifest order
 * @param secrets the links that give this component another's secret, in manifest order
 * @param location where the component is declared
 * @param scriptLocation where its {@code script} is written, for runtime errors about the script
 */
public record ComponentSpec(
    String name,
    Path script,
    Limits limits,
    RestartPolicy.Mode restartMode,
    int maxRestarts,
    List<String> after,
    Isolation isolation,
    String processGroup,
    List<GrantSpec> grants,
    List<LinkSpec> secrets,
    SourceLocation location,
    SourceLocation scriptLocation) {}
