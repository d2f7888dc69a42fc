package dev.billing.reconciliation;

import dev.billing.gateway.GatewayAccounts;
import java.util.Arrays;
import org.springframework.stereotype.Component;

/**
 * The {@code account} column every report ends with when the merchant has more than the default account (issue 28); a
 * merchant with one account gets the files of before, column for column. One rule for every report.
 */
@Component
public class AccountColumn {

    private final boolean shown;

    public AccountColumn(GatewayAccounts accounts) {
        this.shown = accounts.several();
    }

    /** Whether the reports carry the column (more than the default account is configured). */
    public boolean shown() {
        return shown;
    }

    /** {@code header}, with {@code account} at its end when the column is shown. */
    public String[] header(String[] header) {
        return row(header, "account");
    }

    /** {@code row}, with {@code account} at its end when the column is shown. */
    public String[] row(String[] row, String account) {
        if (!shown) {
            return row;
        }
        String[] longer = Arrays.copyOf(row, row.length + 1);
        longer[row.length] = account;
        return longer;
    }
}
