package dev.joblib;

import static com.tngtech.archunit.base.DescribedPredicate.not;
import static com.tngtech.archunit.lang.conditions.ArchPredicates.are;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.base.DescribedPredicate;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The layering of joblib-local as docs/architecture.md draws it. A class that breaks a rule fails
 * {@code mvn verify} here, naming the class and the dependency.
 */
class LayeringTest {
  /**
   * The one edge that points back, api to internal, stays a facade: these entry points hand the
   * user's settings to an engine, and nothing else in the API knows one. A new entry here needs a
   * line in docs/architecture.md first.
   */
  private static final Set<String> FACADES =
      Set.of("Parallel", "ParallelConfig", "Memory", "Joblib", "Compression", "ProgressListener");

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

  /**
   * The one edge that points back, api to internal, stays a facade: these entry points hand the
   * user's settings to an engine and nothing else in the API knows one. A new class here needs a
   * line in docs/architecture.md first.
   */
  @Test
  void theApiReachesTheEnginesOnlyThroughItsFacades() {
    noClasses()
        .that()
        .resideInAPackage("dev.joblib")
        .and(are(not(partOfAFacade())))
        .should()
        .dependOnClassesThat()
        .resideInAPackage("dev.joblib.internal..")
        .because("value types and exceptions of the API must not depend on how they are run")
        .check(MAIN);
  }

  private static DescribedPredicate<JavaClass> partOfAFacade() {
    return DescribedPredicate.describe(
        "part of a facade " + FACADES,
        c -> {
          JavaClass top = c;
          while (top.getEnclosingClass().isPresent()) {
            top = top.getEnclosingClass().get();
          }
          return FACADES.contains(top.getSimpleName());
        });
  }

  @Test
  void theEnginePackagesFormNoCycle() {
    slices().matching("dev.joblib.internal.(*)..").should().beFreeOfCycles().check(MAIN);
  }
}
