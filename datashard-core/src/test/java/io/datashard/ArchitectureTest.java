package io.datashard;

import static com.tngtech.archunit.library.Architectures.layeredArchitecture;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.base.DescribedPredicate;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.EvaluationResult;
import com.tngtech.archunit.library.Architectures.LayeredArchitecture;
import com.tngtech.archunit.library.dependencies.SliceAssignment;
import com.tngtech.archunit.library.dependencies.SliceIdentifier;
import java.util.Set;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The layers of datashard-core (docs/architecture.md, "Layers"), checked on the compiled classes with ArchUnit:
 * dependencies point one way, from the facade down to the API, and no two parts depend on each other.
 *
 * <p>The facade ({@link Warehouse}, {@link DataShard}) shares the package {@code io.datashard} with the API types
 * so that {@code import io.datashard.*;} is all a user writes; the rules therefore place classes, not packages:
 * the facade is the top layer, the rest of {@code io.datashard} with {@code expressions}, {@code types} and
 * {@code transforms} is the API at the bottom.
 */
class ArchitectureTest {
  private static final Set<String> FACADE = Set.of("io.datashard.Warehouse", "io.datashard.DataShard");
  private static final Set<String> API_SUBPACKAGES = Set.of("expressions", "types", "transforms");

  private static JavaClasses classes;

  @BeforeAll
  static void importClasses() {
    classes = new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
        .importPackages("io.datashard");
    // An empty import would make every rule pass.
    assertThat(classes.size()).isGreaterThan(200);
  }

  /** @return the part a class belongs to: "facade", "api", or its package below {@code io.datashard} */
  static String part(JavaClass c) {
    String top = c.getName().contains("$") ? c.getName().substring(0, c.getName().indexOf('$')) : c.getName();
    if (FACADE.contains(top)) {
      return "facade";
    }
    String pkg = c.getPackageName();
    if (pkg.equals("io.datashard")) {
      return "api";
    }
    if (!pkg.startsWith("io.datashard.")) {
      return null;
    }
    String sub = pkg.substring("io.datashard.".length()).split("\\.")[0];
    return API_SUBPACKAGES.contains(sub) ? "api" : sub;
  }

  private static DescribedPredicate<JavaClass> inParts(String... parts) {
    Set<String> set = Set.of(parts);
    return DescribedPredicate.describe("in " + set, c -> set.contains(part(c)));
  }

  static final SliceAssignment PARTS = new SliceAssignment() {
    @Override
    public SliceIdentifier getIdentifierOf(JavaClass javaClass) {
      String p = part(javaClass);
      return p == null ? SliceIdentifier.ignore() : SliceIdentifier.of(p);
    }

    @Override
    public String getDescription() {
      return "the parts of datashard-core (facade, api, and each package below io.datashard)";
    }
  };

  /** The layers, top first; each may use only the layers below it. */
  static LayeredArchitecture layers() {
    return layeredArchitecture().consideringOnlyDependenciesInLayers()
        .layer("Facade").definedBy(inParts("facade"))
        .layer("Catalogs").definedBy(inParts("catalog", "replication"))
        .layer("Table").definedBy(inParts("table"))
        .layer("Maintenance").definedBy(inParts("maintenance", "changes"))
        .layer("Operations").definedBy(inParts("update"))
        .layer("Scan").definedBy(inParts("scan"))
        .layer("Files").definedBy(inParts("manifest", "parquet", "partition", "puffin"))
        .layer("Foundations").definedBy(inParts("commit", "metadata", "encryption", "storage", "records", "display"))
        .layer("API").definedBy(inParts("api"))
        .whereLayer("Facade").mayNotBeAccessedByAnyLayer()
        .whereLayer("Catalogs").mayOnlyBeAccessedByLayers("Facade")
        .whereLayer("Table").mayOnlyBeAccessedByLayers("Facade", "Catalogs")
        .whereLayer("Maintenance").mayOnlyBeAccessedByLayers("Facade", "Catalogs", "Table")
        .whereLayer("Operations").mayOnlyBeAccessedByLayers("Facade", "Catalogs", "Table", "Maintenance")
        .whereLayer("Scan").mayOnlyBeAccessedByLayers("Facade", "Catalogs", "Table", "Maintenance", "Operations")
        .whereLayer("Files").mayOnlyBeAccessedByLayers("Facade", "Catalogs", "Table", "Maintenance", "Operations",
            "Scan")
        .whereLayer("Foundations").mayOnlyBeAccessedByLayers("Facade", "Catalogs", "Table", "Maintenance",
            "Operations", "Scan", "Files");
  }

  @Test
  void everyClassBelongsToALayer() {
    for (JavaClass c : classes) {
      String p = part(c);
      assertThat(p).as(c.getName()).isNotNull();
      assertThat(layerNames()).as("the layer of " + c.getName() + " (part " + p + ")").contains(p);
    }
  }

  private static Set<String> layerNames() {
    return Set.of("facade", "api", "catalog", "replication", "table", "maintenance", "changes", "update", "scan",
        "manifest", "parquet", "partition", "puffin", "commit", "metadata", "encryption", "storage", "records", "display");
  }

  @Test
  void dependenciesPointDownTheLayers() {
    EvaluationResult result = layers().evaluate(classes);
    assertThat(result.hasViolation()).as(result.getFailureReport().toString()).isFalse();
  }

  @Test
  void noTwoPartsDependOnEachOther() {
    EvaluationResult result = slices().assignedFrom(PARTS).should().beFreeOfCycles().evaluate(classes);
    assertThat(result.hasViolation()).as(result.getFailureReport().toString()).isFalse();
  }
}
