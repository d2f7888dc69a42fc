package dev.billing.importing;

import com.opencsv.CSVParserBuilder;
import com.opencsv.ICSVParser;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.springframework.batch.infrastructure.item.ExecutionContext;
import org.springframework.batch.infrastructure.item.ItemStreamException;
import org.springframework.batch.infrastructure.item.ItemStreamReader;

/**
 * Streams an input CSV file line by line, splitting each line with opencsv's RFC 4180 parser, and hands on each
 * line's fields in the contract's column order, whatever the order of the file's header (columns are found by name).
 *
 * <p>Each line is decoded from UTF-8 on its own: a line that is not valid UTF-8 is one rejected row with its line
 * number, and the lines after it load as usual. A header that is not valid UTF-8 refuses the file before anything
 * is loaded.
 *
 * <p>Each physical line is one row: a quoted field may hold commas and doubled quotes, not line breaks. A line
 * with broken quoting is therefore one rejected row, and never swallows the lines after it. Blank lines are
 * passed over. The number of lines the step has been handed is saved with every chunk (by {@link ReadAhead}), so a
 * restart continues after the last committed line.
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

    private InputStream reader;
    private byte[] buffer = new byte[1 << 16];
    private int position;
    private int limit;
    private boolean endOfFile;
    private int[] columnOrder;
    private int headerWidth;
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
            reader = Files.newInputStream(file);
            position = 0;
            limit = 0;
            endOfFile = false;
            byte[] headerBytes = nextLine();
            if (headerBytes == null) {
                throw new ItemStreamException(file.getFileName() + " is empty; it needs the header " + kind.expectedHeader());
            }
            String header;
            try {
                header = decode(headerBytes);
            } catch (CharacterCodingException e) {
                throw new ItemStreamException(file.getFileName() + ": the header is not UTF-8 text; save the file as UTF-8 and import again");
            }
            String[] names = parser.parseLine(header);
            String problem = kind.checkHeader(names);
            if (problem != null) {
                throw new ItemStreamException(file.getFileName() + ": " + problem);
            }
            columnOrder = kind.columnOrder(names);
            headerWidth = names.length;
            for (linesConsumed = 0; linesConsumed < resumeAfter; linesConsumed++) {
                if (nextLine() == null) {
                    throw new ItemStreamException(file.getFileName() + " is shorter than when this import started;"
                            + " it changed since, so this execution cannot resume: abandon it and import again");
                }
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
            byte[] bytes = nextLine();
            if (bytes == null) {
                return null;
            }
            linesConsumed++;
            try {
                text = decode(bytes);
            } catch (CharacterCodingException e) {
                String shown = new String(bytes, StandardCharsets.UTF_8); // bad bytes shown as U+FFFD, never stored raw
                return new CsvLine(linesConsumed + 1, shown, new String[0],
                        "the line is not UTF-8 text (a byte at column " + (firstBadByte(bytes) + 1) + "); save the file as UTF-8");
            }
        } while (text.isBlank());
        long lineNumber = linesConsumed + 1; // the header is line 1
        try {
            String[] physical = fields(text);
            if (physical.length != headerWidth) {
                return new CsvLine(lineNumber, text, physical,
                        "wrong column count: expected " + headerWidth + " fields (as the header has), found " + physical.length);
            }
            return new CsvLine(lineNumber, text, canonical(physical), null);
        } catch (IOException e) {
            return new CsvLine(lineNumber, text, new String[0], "broken quoting: a quoted field is not closed on this line");
        }
    }

    /**
     * The line's fields: a line without a quote is split at its commas (what opencsv's parser returns for it, in a
     * fraction of the time); a line with one goes through the parser.
     */
    String[] fields(String text) throws IOException {
        if (text.indexOf('"') >= 0) {
            return parser.parseLine(text);
        }
        int count = 1;
        for (int i = 0; i < text.length(); i++) {
            if (text.charAt(i) == ',') {
                count++;
            }
        }
        String[] fields = new String[count];
        int start = 0;
        for (int n = 0; n < count - 1; n++) {
            int comma = text.indexOf(',', start);
            fields[n] = text.substring(start, comma);
            start = comma + 1;
        }
        fields[count - 1] = text.substring(start);
        return fields;
    }

    /**
     * Saves, for a restart, that the first {@code lines} lines after the header are done with. The reader does not
     * save its own position: it reads ahead of the step ({@link ReadAhead}), which saves what the step was handed.
     */
    void save(ExecutionContext context, long lines) {
        context.putLong(contextKey, lines);
    }

    /** The lines after the header read so far (blank ones included). */
    long linesConsumed() {
        return linesConsumed;
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

    /** The fields in the contract's column order, whatever the file's order; a column the file leaves out is empty. */
    private String[] canonical(String[] physical) {
        String[] fields = new String[columnOrder.length];
        for (int i = 0; i < columnOrder.length; i++) {
            fields[i] = columnOrder[i] < 0 ? "" : physical[columnOrder[i]];
        }
        return fields;
    }

    /** The next line's bytes without its line break ({@code \n} or {@code \r\n}), or null at the end of the file. */
    private byte[] nextLine() throws IOException {
        int start = position;
        int scanFrom = position;
        while (true) {
            for (int i = scanFrom; i < limit; i++) {
                if (buffer[i] == '\n') {
                    position = i + 1;
                    charsRead += position - start;
                    return withoutCarriageReturn(buffer, start, i);
                }
            }
            if (endOfFile) {
                if (start == limit) {
                    return null;
                }
                position = limit;
                charsRead += limit - start;
                return withoutCarriageReturn(buffer, start, limit);
            }
            int pending = limit - start;
            if (start > 0) {
                System.arraycopy(buffer, start, buffer, 0, pending);
            } else if (pending == buffer.length) {
                buffer = java.util.Arrays.copyOf(buffer, buffer.length * 2); // a line longer than the buffer
            }
            start = 0;
            scanFrom = pending;
            limit = pending;
            int n = reader.read(buffer, limit, buffer.length - limit);
            if (n < 0) {
                endOfFile = true;
            } else {
                limit += n;
            }
        }
    }

    private static byte[] withoutCarriageReturn(byte[] bytes, int from, int to) {
        int end = to > from && bytes[to - 1] == '\r' ? to - 1 : to;
        return java.util.Arrays.copyOfRange(bytes, from, end);
    }

    /** Strict UTF-8: a byte that is not UTF-8 is an exception, never a replacement character. */
    static String decode(byte[] bytes) throws CharacterCodingException {
        boolean ascii = true;
        for (byte b : bytes) {
            if (b < 0) {
                ascii = false;
                break;
            }
        }
        if (ascii) {
            return new String(bytes, StandardCharsets.US_ASCII); // the usual line: no decoder needed
        }
        return StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT)
                .decode(ByteBuffer.wrap(bytes)).toString();
    }

    /** Where the first byte that is not UTF-8 stands, counted from 0. */
    private static int firstBadByte(byte[] bytes) {
        ByteBuffer in = ByteBuffer.wrap(bytes);
        java.nio.charset.CoderResult result = StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT)
                .decode(in, java.nio.CharBuffer.allocate(bytes.length), true);
        return result.isError() ? in.position() : 0;
    }

    /** How far through the file the reader is, from 0 to 1 (estimated from bytes read). */
    public double progress() {
        return fileSize == 0 ? 1.0 : Math.min(1.0, (double) charsRead / fileSize);
    }
}
