package dev.billing.verification;

import dev.billing.gateway.ApsClient;
import dev.billing.gateway.GatewayReply;
import dev.billing.ledger.AttemptQueries;
import dev.billing.ledger.OutcomeResolver;
import dev.billing.support.OperatorException;
import java.util.List;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.stereotype.Component;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.TransactionDefinition;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * "Ask the gateway now" for a verification micro-charge whose outcome is not known: one status check; a final answer is
 * settled through the verification ledger (the token moves, a refund becomes owed), once. A reference the gateway does
 * not know is left for the next {@code verify-tokens}, which sends the same request under the same reference.
 */
@Component
public class VerificationStatusCheck {

    private final VerificationLedger ledger;
    private final ObjectProvider<ApsClient> client;
    private final VerificationProperties settings;
    private final AttemptQueries ledgerRows;
    private final TransactionTemplate transaction;

    public VerificationStatusCheck(VerificationLedger ledger, ObjectProvider<ApsClient> client, VerificationProperties settings,
                                   AttemptQueries ledgerRows, PlatformTransactionManager transactionManager) {
        this.ledger = ledger;
        this.client = client;
        this.settings = settings;
        this.ledgerRows = ledgerRows;
        this.transaction = new TransactionTemplate(transactionManager);
        this.transaction.setPropagationBehavior(TransactionDefinition.PROPAGATION_REQUIRES_NEW);
    }

    /** What the gateway said, in one line for the page and the audit trail. */
    public String askGateway(String chargeReference) {
        if (!open(chargeReference)) {
            throw new OperatorException("verification " + chargeReference + " is not waiting for an outcome (settled already, or not a"
                    + " verification charge)");
        }
        Verification v = ledger.ofCharge(chargeReference).orElseThrow();
        GatewayReply reply = OutcomeResolver.checkOnce(client.getObject().forAccount(v.account()), chargeReference, v.mode().chargeCommand,
                v.amount().minorUnits(), "the gateway does not know it; the next verify-tokens run sends it again with the same reference");
        if (!reply.outcome().isFinal()) {
            return "still unknown: " + reply.describe();
        }
        boolean[] settledHere = new boolean[1];
        transaction.executeWithoutResult(status -> {
            settledHere[0] = open(chargeReference);
            ledger.record(List.of(new Verification.Result(v, reply, 0, null, false)), settings.maxAttempts());
        });
        return (settledHere[0] ? "settled " : "settled meanwhile by another path; the gateway says ") + reply.outcome() + ": "
                + reply.describe();
    }

    private boolean open(String chargeReference) {
        return ledgerRows.verificationChargeOpen(chargeReference);
    }
}
