package dev.billing.support;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Cells that a spreadsheet would run as formulas get a leading quote; numbers and everything else stay as they are. */
class SpreadsheetSafeTest {

    @ParameterizedTest(name = "[{0}] -> [{1}]")
    @CsvSource(delimiter = '|', quoteCharacter = '`', value = {
        "=HYPERLINK(\"http://x\")|'=HYPERLINK(\"http://x\")",
        "+SUM(A1)|'+SUM(A1)",
        "-cmd|'-cmd",
        "@SUM(1)|'@SUM(1)",
        "-1.50|-1.50",
        "-42|-42",
        "125.50|125.50",
        "CH-O-1-1|CH-O-1-1",
        "a=b|a=b"
    })
    void neutralisesFormulasOnly(String value, String written) {
        assertThat(SpreadsheetSafe.cell(value)).isEqualTo(written);
    }

    @Test
    void leadingTabAndCarriageReturnAreNeutralisedToo() {
        assertThat(SpreadsheetSafe.cell("\t=1")).isEqualTo("'\t=1");
        assertThat(SpreadsheetSafe.cell("\r=1")).isEqualTo("'\r=1");
    }

    @Test
    void everyReportFileIsWrittenSafelyAndTheSameBytesTwice(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("r.csv");
        CsvReportFile.write(file, new String[] {"a", "b"}, csv -> csv.writeNext(new String[] {"=1+2", "-3.00"}, false));
        byte[] first = Files.readAllBytes(file);
        CsvReportFile.write(file, new String[] {"a", "b"}, csv -> csv.writeNext(new String[] {"=1+2", "-3.00"}, false));

        assertThat(Files.readString(file)).isEqualTo("a,b\n'=1+2,-3.00\n");
        assertThat(Files.readAllBytes(file)).isEqualTo(first);
    }
}
