package dev.joblib.beam;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

/**
 * The Beam engine is a plug-in like any other: it builds on joblib's API and SPI only (see
 * docs/architecture.md). A forbidden import fails {@code mvn verify} here.
 */
class LayeringTest {
  private static final JavaClasses MAIN =
      new ClassFileImporter()
          .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
          .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_JARS)
          .importPackages("dev.joblib.beam");

  @Test
  void theBeamEngineUsesOnlyTheApiAndTheSpi() {
    noClasses()
        .that()
        .resideInAPackage("dev.joblib.beam..")
        .should()
        .dependOnClassesThat()
        .resideInAPackage("dev.joblib.internal..")
        .because("joblib-local's internals may change in any release; plug-ins use API and SPI")
        .check(MAIN);
  }
}
