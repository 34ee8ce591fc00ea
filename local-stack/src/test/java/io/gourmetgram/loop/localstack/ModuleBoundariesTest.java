package io.gourmetgram.loop.localstack;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchRule;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.Test;

/**
 * Each stage is its own deployable: it may depend on the event contract ({@code events}), never on
 * another stage. This test sees every module's classes because local-stack depends on all of them.
 */
class ModuleBoundariesTest {

    private static final String ROOT = "io.gourmetgram.loop";
    private static final List<String> STAGES =
            List.of("ingest", "inference", "sampling", "labeling", "accuracy", "localstack");

    private static JavaClasses classes;

    @BeforeAll
    static void importClasses() {
        classes = new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS).importPackages(ROOT);
    }

    static Stream<String> stages() {
        return STAGES.stream();
    }

    @ParameterizedTest(name = "{0} depends on no other stage")
    @MethodSource("stages")
    void aStageDependsOnNoOtherStage(String stage) {
        String[] others = STAGES.stream().filter(s -> !s.equals(stage)).map(s -> ROOT + "." + s + "..").toArray(String[]::new);
        ArchRule rule = noClasses().that().resideInAPackage(ROOT + "." + stage + "..")
                .should().dependOnClassesThat().resideInAnyPackage(others)
                .because("stages are deployed and scaled on their own and talk only through Kafka topics. "
                        + "To share a type, move it into the 'events' module (records, schemas, topic catalog); "
                        + "to share behaviour, publish an event instead of calling the other stage");
        rule.check(classes);
    }

    @Test
    void theEventContractDependsOnNoStage() {
        noClasses().that().resideInAPackage(ROOT + ".events..")
                .should().dependOnClassesThat().resideInAnyPackage(
                        STAGES.stream().map(s -> ROOT + "." + s + "..").toArray(String[]::new))
                .because("'events' is the contract every stage builds on; it must not know any stage. "
                        + "Move the type the contract needs into 'events'")
                .check(classes);
    }
}
