package b8g.host.manifest;

/**
 * One validated link: {@code to} holds {@code from}'s link secret as {@code env.<env>}, so it may
 * link to what {@code from} exported.
 */
public record LinkSpec(String from, String to, String env, SourceLocation location) {}
