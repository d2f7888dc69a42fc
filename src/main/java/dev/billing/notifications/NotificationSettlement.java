package dev.billing.notifications;

import dev.billing.charging.ChargeLedger;
import dev.billing.charging.ChargeResult;
import dev.billing.gateway.ApsCommand;
import dev.billing.gateway.GatewayReply;
import dev.billing.gateway.OutcomeClass;
import dev.billing.gateway.ResponseCodes;
import dev.billing.ledger.AttemptKind;
import dev.billing.ledger.AttemptQueries.Locked;
import dev.billing.ledger.AttemptQueries;
import dev.billing.ledger.AttemptState;
import dev.billing.ledger.LedgerExceptions;
import dev.billing.ledger.Refunds;
import dev.billing.ledger.RunSettings;
import dev.billing.money.CurrencyUnit;
import dev.billing.money.Money;
import dev.billing.support.EngineProperties;
import dev.billing.tokens.Deactivation;
import dev.billing.tokens.TokenDeactivations;
import dev.billing.verification.Verification;
import dev.billing.verification.VerificationLedger;
import dev.billing.verification.VerificationProperties;
import java.time.LocalDate;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

/**
 * What a verified notification does to the ledger, in the caller's transaction. It finds the ledger row the gateway
 * speaks of and locks it; a final outcome on an open row settles it through the same record path as a reply (so its
 * effects on the order or the token happen exactly once, whoever gets there first); a row settled already is never
 * changed: a notification that contradicts it is an exception for a person ({@code NOTIFICATION_CONFLICT}), as is
 * one for a reference the engine never sent ({@code NOTIFICATION_UNKNOWN_REFERENCE}).
 */
@Component
public class NotificationSettlement {

    public static final String CONFLICT = "NOTIFICATION_CONFLICT";
    public static final String UNKNOWN_REFERENCE = "NOTIFICATION_UNKNOWN_REFERENCE";

    /** What was done, and the ledger row it concerned (null when none). */
    public record Applied(NotificationService.Outcome outcome, String attemptReference) {
    }

    private final JdbcTemplate jdbc;
    private final AttemptQueries ledger;
    private final ChargeLedger charges;
    private final VerificationLedger verifications;
    private final TokenDeactivations deactivations;
    private final LedgerExceptions exceptions;
    private final RunSettings settings;
    private final VerificationProperties verification;
    private final EngineProperties engine;
    private final Refunds refunds;

    public NotificationSettlement(JdbcTemplate jdbc, AttemptQueries ledger, ChargeLedger charges, VerificationLedger verifications,
                                  TokenDeactivations deactivations, LedgerExceptions exceptions, RunSettings settings,
                                  VerificationProperties verification, EngineProperties engine, Refunds refunds) {
        this.jdbc = jdbc;
        this.refunds = refunds;
        this.ledger = ledger;
        this.charges = charges;
        this.verifications = verifications;
        this.deactivations = deactivations;
        this.exceptions = exceptions;
        this.settings = settings;
        this.verification = verification;
        this.engine = engine;
    }

    /** The operation a notification reports: {@code command}, or {@code service_command} for token operations. */
    static String commandOf(Map<String, String> fields) {
        return fields.containsKey("command") ? fields.get("command") : fields.get("service_command");
    }

    public Applied apply(Map<String, String> fields) {
        String reference = fields.get("merchant_reference");
        ApsCommand command = command(commandOf(fields));
        Optional<Locked> found = command == null || reference == null ? Optional.empty() : row(command, reference, fields.get("maintenance_reference"));
        if (found.isEmpty()) {
            String safe = reference == null ? "" : reference.length() > 40 ? reference.substring(0, 40) : reference;
            exceptions.add(LocalDate.now(engine.zone()), UNKNOWN_REFERENCE, safe, null, null, null,
                    "the gateway notified " + commandOf(fields) + " " + fields.get("response_code") + " for merchant_reference "
                    + safe + ", which the engine never sent: check it in the APS back office");
            return new Applied(NotificationService.Outcome.UNKNOWN_REFERENCE, null);
        }
        Locked row = found.get();
        String code = fields.get("response_code");
        String acquirer = fields.get("acquirer_response_code");
        OutcomeClass outcome = ResponseCodes.classify(command, code, acquirer);
        if (!outcome.isFinal()) {
            return new Applied(NotificationService.Outcome.NOT_FINAL, row.attemptReference());
        }
        String amountProblem = amountProblem(row, outcome, fields);
        if (amountProblem == null && row.state().isOpen()) {
            GatewayReply reply = new GatewayReply(command, reference, outcome, code, fields.get("response_message"), fields.get("fort_id"),
                    acquirer, fields.get("authorization_code"), null, Map.copyOf(fields));
            settle(row, reply);
            return new Applied(NotificationService.Outcome.SETTLED, row.attemptReference());
        }
        if (amountProblem == null && row.state() == AttemptState.after(outcome)) {
            return new Applied(NotificationService.Outcome.AGREES, row.attemptReference());
        }
        Money amount = row.kind().movesMoney() ? Money.ofMinor(row.amountMinor(), CurrencyUnit.require(row.currency())) : null;
        exceptions.add(row.businessDate(), CONFLICT, row.attemptReference(), row.orderId(), row.tokenName(), amount,
                "the gateway notified " + command + " " + code + " (" + outcome + ")" + (amountProblem == null ? "" : ", " + amountProblem)
                + " for " + row.kind() + " " + row.attemptReference() + ", which the ledger holds as " + row.state()
                + ": the ledger was left as it is; check it in the APS back office");
        return new Applied(NotificationService.Outcome.CONFLICT, row.attemptReference());
    }

    private static String amountProblem(Locked row, OutcomeClass outcome, Map<String, String> fields) {
        String amount = fields.get("amount");
        if (outcome != OutcomeClass.SUCCESS || !row.kind().movesMoney() || row.kind() == AttemptKind.VERIFICATION_VOID) {
            return null;
        }
        boolean same = amount != null && amount.matches("\\d{1,18}") && Long.parseLong(amount) == row.amountMinor()
                && row.currency().equals(fields.get("currency"));
        return same ? null : "amount " + amount + " " + fields.get("currency") + " where the ledger has " + row.amountMinor() + " " + row.currency();
    }

    /** Settles an open row through the record path of its kind: what a reply would have done, once. */
    private void settle(Locked row, GatewayReply reply) {
        switch (row.kind()) {
            case CHARGE -> charges.unresolved(row.attemptReference()).ifPresent(open -> charges.record(
                    List.of(ChargeResult.sent(open.order(), reply)), row.businessDate(), settings.schedule(), row.jobExecutionId()));
            case VERIFICATION_CHARGE, VERIFICATION_AUTHORIZATION -> verifications.ofCharge(row.attemptReference()).ifPresent(v ->
                    verifications.record(List.of(new Verification.Result(v, reply, 0, null, false)), verification.maxAttempts()));
            case VERIFICATION_REFUND, VERIFICATION_VOID -> verifications.ofCharge(row.merchantReference()).ifPresent(v ->
                    verifications.record(List.of(new Verification.Result(v, null, row.attempt(), reply, false)), verification.maxAttempts()));
            case REFUND -> refunds.settle(row.attemptReference(), reply);
            case TOKEN_DEACTIVATION -> {
                long tokenId = jdbc.queryForObject("SELECT id FROM tokens WHERE token_name = ?", Long.class, row.tokenName());
                deactivations.record(List.of(new TokenDeactivations.Result(new Deactivation(tokenId, row.tokenName(), row.attempt(), true), reply)));
            }
        }
    }

    /** The command a notification's {@code command} (or {@code service_command}) names; null for one it does not settle. */
    static ApsCommand command(String name) {
        if (name == null) {
            return null;
        }
        return switch (name) {
            case "PURCHASE" -> ApsCommand.PURCHASE;
            case "AUTHORIZATION" -> ApsCommand.AUTHORIZATION;
            case "REFUND" -> ApsCommand.REFUND;
            case "VOID_AUTHORIZATION" -> ApsCommand.VOID_AUTHORIZATION;
            case "UPDATE_TOKEN" -> ApsCommand.UPDATE_TOKEN;
            default -> null;
        };
    }

    /** The row, locked until the caller's transaction ends, so that a reply being recorded at this moment waits. */
    private Optional<Locked> row(ApsCommand command, String reference, String maintenanceReference) {
        return switch (command) {
            case PURCHASE -> ledger.lock(reference, EnumSet.of(AttemptKind.CHARGE, AttemptKind.VERIFICATION_CHARGE));
            case AUTHORIZATION -> ledger.lock(reference, EnumSet.of(AttemptKind.VERIFICATION_AUTHORIZATION));
            case UPDATE_TOKEN -> ledger.lock(reference, EnumSet.of(AttemptKind.TOKEN_DEACTIVATION));
            case REFUND -> maintenanceReference != null
                    ? ledger.lock(maintenanceReference, reference, EnumSet.of(AttemptKind.VERIFICATION_REFUND, AttemptKind.REFUND))
                    : ledger.lockLatest(reference, EnumSet.of(AttemptKind.VERIFICATION_REFUND, AttemptKind.REFUND));
            case VOID_AUTHORIZATION -> ledger.lockLatest(reference, EnumSet.of(AttemptKind.VERIFICATION_VOID));
            case CHECK_STATUS -> Optional.empty();
        };
    }
}
