package b8g.host;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * A host test run twice, once per isolation tier: every component forced into the host's JVM
 * ({@code IN_PROCESS}), then every component forced into a worker process of its own, or of its
 * {@code process_group} ({@code PROCESS}). The method takes the tier as its first parameter and
 * launches with {@link HostFixture#launch(java.nio.file.Path, b8g.host.manifest.schema.Isolation)};
 * the expected outcomes are the same in both tiers.
 */
@Target(ElementType.METHOD)
@Retention(RetentionPolicy.RUNTIME)
@ParameterizedTest(name = "{0}")
@EnumSource(value = b8g.host.manifest.schema.Isolation.class, names = {"IN_PROCESS", "PROCESS"})
public @interface BothTiers {}
