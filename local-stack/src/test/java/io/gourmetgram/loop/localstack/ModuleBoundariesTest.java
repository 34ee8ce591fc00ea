package io.gourmetgram.loop.localstack;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchRule;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Each stage is its own deployable: it may depend on the event contract ({@code events}) and on the
 * shared plumbing ({@code stage-support}), never on another stage. This test sees every module's
 * classes because local-stack depends on all of them.
 */
class ModuleBoundariesTest {

    private static final String ROOT = "io.gourmetgram.loop";
    private static final List<String> STAGES =
            List.of("ingest", "inference", "sampling", "labeling", "accuracy", "localstack");

    private static JavaClasses classes;

    @BeforeAll
    static void importClasses() {
        classes = new ClassFileImporter()
                .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .importPackages(ROOT);
    }

    static Stream<String> stages() {
        return STAGES.stream();
    }

    @ParameterizedTest(name = "{0} depends on no other stage")
    @MethodSource("stages")
    void aStageDependsOnNoOtherStage(String stage) {
        String[] others = STAGES.stream()
                .filter(s -> !s.equals(stage))
                .map(s -> ROOT + "." + s + "..")
                .toArray(String[]::new);
        ArchRule rule = noClasses()
                .that()
                .resideInAPackage(ROOT + "." + stage + "..")
                .should()
                .dependOnClassesThat()
                .resideInAnyPackage(others)
                .because("stages are deployed and scaled on their own and talk only through Kafka topics. "
                        + "To fix it: move a shared event type into the 'events' module (records, schemas, topic "
                        + "catalog); move shared plumbing (Kafka, S3, health, errors) into 'stage-support' "
                        + "(io.gourmetgram.loop.support.<concern>); to share behaviour, publish an event instead "
                        + "of calling the other stage");
        rule.check(classes);
    }

    @Test
    void theSharedPlumbingDependsOnNoStage() {
        noClasses()
                .that()
                .resideInAPackage(ROOT + ".support..")
                .should()
                .dependOnClassesThat()
                .resideInAnyPackage(
                        STAGES.stream().map(s -> ROOT + "." + s + "..").toArray(String[]::new))
                .because("'stage-support' is written once for every stage; it must not know any of them. "
                        + "To fix it: pass what the stage knows in as a parameter (a name, a topic, a settings record)")
                .check(classes);
    }

    @Test
    void theEventContractDependsOnNoStageAndNoPlumbing() {
        noClasses()
                .that()
                .resideInAPackage(ROOT + ".events..")
                .should()
                .dependOnClassesThat()
                .resideInAnyPackage(Stream.concat(STAGES.stream(), Stream.of("support"))
                        .map(s -> ROOT + "." + s + "..")
                        .toArray(String[]::new))
                .because("'events' is the contract every stage builds on: records, schemas, topic catalog. "
                        + "To fix it: move the type the contract needs into 'events', and keep behaviour "
                        + "(clients, health, error handling) in 'stage-support'")
                .check(classes);
    }
}
