package dev.joblib.userapp.units;

/** An enum a user's result refers to, in another package than the result's. */
public enum Unit {
  METRE,
  SECOND
}
