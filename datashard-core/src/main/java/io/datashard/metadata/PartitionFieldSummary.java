package io.datashard.metadata;

import java.nio.ByteBuffer;

/**
 * Summary of one partition field over all files of a manifest ({@code field_summary} in the spec).
 *
 * @param containsNull whether any file has a null partition value
 * @param containsNan whether any file has a NaN partition value (null when unknown)
 * @param lowerBound serialized lower bound, or null
 * @param upperBound serialized upper bound, or null
 */
public record PartitionFieldSummary(boolean containsNull, Boolean containsNan, ByteBuffer lowerBound,
                                    ByteBuffer upperBound) {
}
