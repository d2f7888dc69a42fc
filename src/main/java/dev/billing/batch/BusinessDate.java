package dev.billing.batch;

/** The one identifying parameter of every billing job: the business date, a {@code LocalDate}. */
public final class BusinessDate {

    /** Its key in the job parameters. */
    public static final String PARAMETER = "businessDate";
    /** Its value in a step-scoped bean: {@code @Value(BusinessDate.OF_JOB)}. */
    public static final String OF_JOB = "#{jobParameters['" + PARAMETER + "']}";

    private BusinessDate() {
    }
}
