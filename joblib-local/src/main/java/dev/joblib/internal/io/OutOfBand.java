package dev.joblib.internal.io;

import java.io.Serializable;

/**
 * Stands in the object stream for a primitive array or buffer whose bytes follow the stream as a
 * raw block ({@code index} into the dump's block table).
 */
record OutOfBand(int index) implements Serializable {}
