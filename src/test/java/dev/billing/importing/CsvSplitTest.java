package dev.billing.importing;

import static org.assertj.core.api.Assertions.assertThat;

import com.opencsv.CSVParserBuilder;
import com.opencsv.ICSVParser;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The reader's split of a line without quotes gives exactly what opencsv's parser gives for it. */
class CsvSplitTest {

    private final ICSVParser opencsv = new CSVParserBuilder().withSeparator(',').withQuoteChar('"')
            .withEscapeChar(ICSVParser.NULL_CHARACTER).build();
    private final CsvLineReader reader = new CsvLineReader(null, ImportFileKind.ORDERS);

    @Test
    void unquotedLinesSplitAsTheParserSplitsThem() throws Exception {
        String alphabet = "ab,, \t1.-_\\'é€;x";
        Random random = new Random(42);
        for (int n = 0; n < 20_000; n++) {
            StringBuilder line = new StringBuilder();
            int length = random.nextInt(40);
            for (int i = 0; i < length; i++) {
                line.append(alphabet.charAt(random.nextInt(alphabet.length())));
            }
            String text = line.toString();
            assertThat(reader.fields(text)).as("line [%s]", text).containsExactly(opencsv.parseLine(text));
        }
    }

    @Test
    void edgeCases() throws Exception {
        for (String text : new String[] {"", ",", ",,", "a,", ",a", " a , b ", "O-1,C-1,tok,1.00,AED,SHIPPED,"}) {
            assertThat(reader.fields(text)).as("line [%s]", text).containsExactly(opencsv.parseLine(text));
        }
    }

    @Test
    void aQuotedLineStillGoesThroughTheParser() throws Exception {
        assertThat(reader.fields("\"a,b\",c,\"d \"\"e\"\"\"")).containsExactly("a,b", "c", "d \"e\"");
    }
}
