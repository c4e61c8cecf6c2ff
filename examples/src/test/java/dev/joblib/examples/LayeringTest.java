package dev.joblib.examples;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

/** The examples show what a user writes: the public API, nothing of the SPI or the internals. */
class LayeringTest {
  private static final JavaClasses MAIN =
      new ClassFileImporter()
          .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
          .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_JARS)
          .importPackages("dev.joblib.examples");

  @Test
  void theExamplesUseOnlyThePublicApi() {
    noClasses()
        .that()
        .resideInAPackage("dev.joblib.examples..")
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage(
            "dev.joblib.internal..",
            "dev.joblib.spi..",
            "dev.joblib.spark.internal..",
            "dev.joblib.beam.internal..")
        .because("an example is what a user copies; it must compile against the public API alone")
        .check(MAIN);
  }
}
