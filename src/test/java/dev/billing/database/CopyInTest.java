package dev.billing.database;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class CopyInTest {

    @Test
    void textFormatEscapesWhatCopyWouldReadAsSeparatorsAndWritesNullAsBackslashN() {
        StringBuilder text = new StringBuilder();
        CopyIn.appendValue(text, "a\\tb\tc\nd\re");
        text.append('|');
        CopyIn.appendValue(text, null);
        text.append('|');
        CopyIn.appendValue(text, 12345L);

        assertThat(text).hasToString("a\\\\tb\\tc\\nd\\re|\\N|12345");
    }
}
