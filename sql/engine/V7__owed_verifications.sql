-- Verification charges (or authorizations) that succeeded and are not given back yet: one definition for the
-- give-back step, the exceptions report and the metrics.
CREATE VIEW verification_charges_owed AS
SELECT c.*
FROM payment_attempts c
WHERE c.kind IN ('VERIFICATION_CHARGE', 'VERIFICATION_AUTHORIZATION') AND c.state = 'SUCCEEDED'
  AND NOT EXISTS (SELECT 1 FROM payment_attempts s WHERE s.merchant_reference = c.attempt_reference
                  AND s.kind IN ('VERIFICATION_REFUND', 'VERIFICATION_VOID') AND s.state = 'SUCCEEDED');
