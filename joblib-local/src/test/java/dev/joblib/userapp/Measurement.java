package dev.joblib.userapp;

import dev.joblib.userapp.units.Unit;
import java.io.Serializable;
import java.util.List;

/**
 * A user's own result type: a record in the user's package holding an enum of another of the user's
 * packages and JDK collections.
 */
public record Measurement(String name, double value, Unit unit, List<Double> samples)
    implements Serializable {}
