package dev.billing.support;

/** What an operator reads of an exception: the first line of its root cause's message. */
public final class Throwables {

    private Throwables() {
    }

    /**
     * A line of an exit description (a stack trace's first line) as a person reads it: without the exception's class
     * name before its message ({@code dev.billing.support.InvalidInputException: the file ...} reads {@code the file ...}).
     */
    public static String withoutClassName(String line) {
        return line.replaceFirst("^([a-z][a-z0-9_]*\\.)+[A-Za-z0-9_$]+(Exception|Error): ", "");
    }

    public static String rootMessage(Throwable e) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        String message = root.getMessage();
        return message == null || message.isBlank() ? root.getClass().getSimpleName() : message.lines().findFirst().orElse(message);
    }
}
