package dev.joblib.beam.internal;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.annotation.JsonIgnore;
import org.apache.beam.sdk.options.PipelineOptions;
import org.apache.beam.sdk.options.PipelineOptionsFactory;
import org.junit.jupiter.api.Test;

/**
 * Each pipeline of a call runs on a copy of the user's options; a value set in code on a {@code
 * JsonIgnore} option (the Spark runner's provided SparkContext, credentials) has no JSON form, and
 * the copy must still carry it, or the runner silently runs without it.
 */
class OptionsCopyTest {
  /** Options with a value that only lives in this JVM, as the Spark runner's SparkContext. */
  public interface HeldOptions extends PipelineOptions {
    /**
     * A value set in code.
     *
     * @return the value
     */
    @JsonIgnore
    Object getHeld();

    /**
     * Sets it.
     *
     * @param held the value
     */
    void setHeld(Object held);
  }

  @Test
  void aValueSetInCodeOnAJsonIgnoreOptionSurvivesTheCopy() {
    Object context = new Object();
    HeldOptions options = PipelineOptionsFactory.as(HeldOptions.class);
    options.setHeld(context);
    options.setJobName("original");

    PipelineOptions copy = RunnerOptions.copy(options);
    copy.setJobName("copy");

    assertThat(copy.as(HeldOptions.class).getHeld()).isSameAs(context);
    assertThat(options.getJobName()).as("the copy is a copy").isEqualTo("original");
  }
}
