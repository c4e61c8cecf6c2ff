package dev.joblib;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

/**
 * The layering of joblib-local as docs/architecture.md draws it. A class that breaks a rule fails
 * {@code mvn verify} here, naming the class and the dependency.
 */
class LayeringTest {
  private static final JavaClasses MAIN =
      new ClassFileImporter()
          .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
          .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_JARS)
          .importPackages("dev.joblib");

  @Test
  void theSpiKnowsNoImplementation() {
    noClasses()
        .that()
        .resideInAPackage("dev.joblib.spi..")
        .should()
        .dependOnClassesThat()
        .resideInAPackage("dev.joblib.internal..")
        .because("a plug-in builds on API and SPI alone; the SPI must not pull the engine in")
        .check(MAIN);
  }

  @Test
  void theApiPackageHoldsOnlyPublicTypesAndItsArgumentChecks() {
    classes()
        .that()
        .resideInAPackage("dev.joblib")
        .and()
        .areTopLevelClasses()
        .and()
        .doNotHaveSimpleName("Check")
        .should()
        .bePublic()
        .because("the engines live under dev.joblib.internal, not beside the API they implement")
        .check(MAIN);
  }

  @Test
  void theEnginePackagesFormNoCycle() {
    slices().matching("dev.joblib.internal.(*)..").should().beFreeOfCycles().check(MAIN);
  }
}
