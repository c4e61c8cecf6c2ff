package dev.joblib.internal.io;

import java.util.List;

/**
 * What a load may do (unpacked from {@code LoadOptions}).
 *
 * @param mmap map uncompressed buffers instead of reading them
 * @param checkMapped check a mapped block's checksum before handing the mapping out
 * @param allowed allow-list patterns, empty for deny-list mode
 * @param key HMAC key to verify with, or null
 * @param maxDepth filter limit
 * @param maxReferences filter limit
 * @param maxArrayLength filter limit, also applied to out-of-band blocks
 * @param maxDecompressedBytes most bytes read out of a decompressor (and copied from a signed
 *     stream)
 */
public record ReadConfig(
    boolean mmap,
    boolean checkMapped,
    List<String> allowed,
    byte[] key,
    long maxDepth,
    long maxReferences,
    long maxArrayLength,
    long maxDecompressedBytes) {}
