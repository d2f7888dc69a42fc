package dev.billing.operations;
import dev.billing.support.OperatorException;

/** No job execution has the id an operator gave. */
public class UnknownExecutionException extends OperatorException {

    private static final long serialVersionUID = 1L;

    public UnknownExecutionException(long id) {
        super("there is no job execution " + id + "; 'jobs list' shows the recent ones");
    }
}
