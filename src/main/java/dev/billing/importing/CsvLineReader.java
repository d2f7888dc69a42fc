package dev.billing.importing;

import com.opencsv.CSVParserBuilder;
import com.opencsv.ICSVParser;
import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.springframework.batch.infrastructure.item.ExecutionContext;
import org.springframework.batch.infrastructure.item.ItemStreamException;
import org.springframework.batch.infrastructure.item.ItemStreamReader;

/**
 * Streams an input CSV file line by line, splitting each line with opencsv's RFC 4180 parser.
 *
 * <p>Each physical line is one row: a quoted field may hold commas and doubled quotes, not line breaks. A line
 * with broken quoting is therefore one rejected row, and never swallows the lines after it. Blank lines are
 * passed over. The number of lines consumed is saved with every chunk, so a restart continues after the last
 * committed line.
 */
public class CsvLineReader implements ItemStreamReader<CsvLine> {

    private static final String LINES_KEY = "lines.consumed";

    private final Path file;
    private final ImportFileKind kind;
    private final String contextKey;
    private final ICSVParser parser = new CSVParserBuilder()
            .withSeparator(',')
            .withQuoteChar('"')
            .withEscapeChar(ICSVParser.NULL_CHARACTER)
            .build();

    private BufferedReader reader;
    private long linesConsumed;
    private long charsRead;
    private long fileSize;

    /** A reader of {@code file}; a null file reads nothing (the command was not given that file). */
    public CsvLineReader(Path file, ImportFileKind kind) {
        this.file = file;
        this.kind = kind;
        this.contextKey = "csv." + kind.label() + "." + LINES_KEY;
    }

    @Override
    public void open(ExecutionContext context) {
        if (file == null) {
            return;
        }
        long resumeAfter = context.containsKey(contextKey) ? context.getLong(contextKey) : 0;
        try {
            fileSize = Files.size(file);
            reader = Files.newBufferedReader(file, StandardCharsets.UTF_8);
            String header = reader.readLine();
            if (header == null) {
                throw new ItemStreamException(file.getFileName() + " is empty; it needs the header " + kind.expectedHeader());
            }
            charsRead = header.length() + 1;
            String problem = kind.checkHeader(parser.parseLine(header));
            if (problem != null) {
                throw new ItemStreamException(file.getFileName() + ": " + problem);
            }
            for (linesConsumed = 0; linesConsumed < resumeAfter; linesConsumed++) {
                String skipped = reader.readLine();
                if (skipped == null) {
                    throw new ItemStreamException(file.getFileName() + " is shorter than when this import started;"
                            + " it changed since, so this execution cannot resume: abandon it and import again");
                }
                charsRead += skipped.length() + 1;
            }
        } catch (IOException e) {
            throw new ItemStreamException("cannot read " + file + ": " + e.getMessage(), e);
        }
    }

    @Override
    public CsvLine read() throws IOException {
        if (reader == null) {
            return null;
        }
        String text;
        do {
            text = reader.readLine();
            if (text == null) {
                return null;
            }
            linesConsumed++;
            charsRead += text.length() + 1;
        } while (text.isBlank());
        long lineNumber = linesConsumed + 1; // the header is line 1
        try {
            return new CsvLine(lineNumber, text, parser.parseLine(text), null);
        } catch (IOException e) {
            return new CsvLine(lineNumber, text, new String[0], "broken quoting: a quoted field is not closed on this line");
        }
    }

    @Override
    public void update(ExecutionContext context) {
        context.putLong(contextKey, linesConsumed);
    }

    @Override
    public void close() {
        if (reader != null) {
            try {
                reader.close();
            } catch (IOException e) {
                throw new ItemStreamException("cannot close " + file, e);
            } finally {
                reader = null;
            }
        }
    }

    /** How far through the file the reader is, from 0 to 1 (estimated from characters read). */
    public double progress() {
        return fileSize == 0 ? 1.0 : Math.min(1.0, (double) charsRead / fileSize);
    }
}
