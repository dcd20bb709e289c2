package b8g.snapshots;

/**
 * The fields of an image's header once the reader has verified them (magic, version, lengths,
 * header and table checksums, file length, required flags).
 *
 * @param major format major ({@link StackImageDescriptor#FORMAT_MAJOR})
 * @param minor format minor; may be above this reader's
 * @param headerLength bytes of header, at least 64
 * @param entryLength bytes per section table entry, at least 32
 * @param flags header flags; no unknown required bit is set
 * @param headerChecksum CRC32C of the header (verified)
 * @param tableChecksum CRC32C of the section table (verified)
 */
record ImageHeader(
    int major,
    int minor,
    int headerLength,
    int entryLength,
    int flags,
    int headerChecksum,
    int tableChecksum) {}
