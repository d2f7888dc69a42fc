package dev.billing.reconciliation;

import com.opencsv.CSVReader;
import com.opencsv.exceptions.CsvValidationException;
import dev.billing.support.InvalidInputException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Reads an APS transaction report exported as CSV: a header row with the reporting API's column names, of which
 * {@code merchant_reference}, {@code operation}, {@code amount}, {@code currency} and {@code status} are needed
 * ({@code fort_id} is kept when present); other columns are ignored.
 */
public final class SettlementFile {

    private SettlementFile() {
    }

    /** Every row of the file, read into memory (for small files and tests; {@link #forEach} streams). */
    public static List<SettlementMatcher.GatewayRow> read(Path file) {
        List<SettlementMatcher.GatewayRow> rows = new ArrayList<>();
        forEach(file, rows::add);
        return rows;
    }

    /** Streams the file's rows, one at a time, in file order. */
    public static void forEach(Path file, java.util.function.Consumer<SettlementMatcher.GatewayRow> each) {
        try (CSVReader reader = new CSVReader(Files.newBufferedReader(file))) {
            String[] header = reader.readNext();
            if (header == null) {
                throw new InvalidInputException("settlement file " + file + " is empty");
            }
            Map<String, Integer> columns = new HashMap<>();
            for (int i = 0; i < header.length; i++) {
                columns.put(header[i].trim().toLowerCase(Locale.ROOT).replace("\uFEFF", ""), i);
            }
            for (String needed : List.of("merchant_reference", "operation", "amount", "currency", "status")) {
                if (!columns.containsKey(needed)) {
                    throw new InvalidInputException("settlement file " + file + " has no column '" + needed
                            + "'; it needs merchant_reference, operation, amount, currency and status (as APS's reporting API names them)");
                }
            }
            for (String[] r = reader.readNext(); r != null; r = reader.readNext()) {
                if (r.length == 1 && r[0].isBlank()) {
                    continue;
                }
                String currency = get(r, columns, "currency").toUpperCase(Locale.ROOT);
                String amountText = get(r, columns, "amount");
                String status = get(r, columns, "status");
                each.accept(new SettlementMatcher.GatewayRow(get(r, columns, "merchant_reference"),
                        get(r, columns, "operation").toUpperCase(Locale.ROOT), get(r, columns, "fort_id"),
                        SettlementMatcher.amount(amountText, currency).orElse(null), amountText, currency,
                        SettlementMatcher.succeeded(status), status));
            }
        } catch (java.nio.charset.CharacterCodingException e) {
            throw new InvalidInputException("settlement file " + file + " is not UTF-8 text: export the report as CSV again");
        } catch (IOException e) {
            throw new InvalidInputException("cannot read settlement file " + file + ": " + e.getMessage());
        } catch (CsvValidationException e) {
            throw new InvalidInputException("settlement file " + file + " is not valid CSV: " + e.getMessage());
        }
    }

    private static String get(String[] row, Map<String, Integer> columns, String name) {
        Integer i = columns.get(name);
        return i == null || i >= row.length ? "" : row[i].trim();
    }
}
