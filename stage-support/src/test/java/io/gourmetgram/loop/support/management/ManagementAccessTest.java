package io.gourmetgram.loop.support.management;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** A guessable management token is refused at startup, naming the variable; none at all shows no details. */
class ManagementAccessTest {

    @Test
    void aShortTokenIsRefusedNamingTheVariable() {
        assertThatThrownBy(() -> new ManagementAccess("letmein"))
                .hasMessageContaining("MANAGEMENT_TOKEN")
                .hasMessageContaining("at least 32 characters");
    }

    @Test
    void aLongTokenEnablesDetailsAndNoneOrAnEmptyOneDoesNot() {
        assertThat(new ManagementAccess("x".repeat(32)).enabled()).isTrue();
        assertThat(new ManagementAccess(null).enabled()).isFalse();
        assertThat(new ManagementAccess("").enabled()).isFalse();
    }
}
