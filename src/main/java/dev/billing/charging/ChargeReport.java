package dev.billing.charging;

import dev.billing.money.CurrencyUnit;
import dev.billing.money.Money;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import org.springframework.batch.core.job.JobExecution;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

/** The lines an operator reads after a charge-orders run. */
@Component
public class ChargeReport {

    private final JdbcTemplate jdbc;

    public ChargeReport(JdbcTemplate jdbc) {
        this.jdbc = jdbc;
    }

    /** One line per currency: the orders charged on the execution's business date, and their total. */
    public List<String> chargedPerCurrency(JobExecution execution) {
        List<String> lines = new ArrayList<>();
        LocalDate date = execution.getJobParameters().getLocalDate(ChargeOrdersJobConfiguration.BUSINESS_DATE);
        if (date != null) {
            jdbc.query("""
                    SELECT currency, count(*), sum(amount_minor) FROM payment_attempts
                    WHERE kind = 'CHARGE' AND state = 'SUCCEEDED' AND business_date = ? GROUP BY currency ORDER BY currency""",
                    rs -> {
                        Money total = Money.ofMinor(rs.getLong(3), CurrencyUnit.require(rs.getString(1)));
                        lines.add(String.format("  charged on %s: %,d orders, %s", date, rs.getLong(2), total));
                    }, java.sql.Date.valueOf(date));
        }
        return lines;
    }
}
