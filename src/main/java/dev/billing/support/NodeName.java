package dev.billing.support;

/** This process as other nodes on the same database see it: host and process id ({@code host:pid}). */
public final class NodeName {

    private static final String NAME = host() + ":" + ProcessHandle.current().pid();

    private NodeName() {
    }

    public static String current() {
        return NAME;
    }

    public static String host() {
        try {
            return java.net.InetAddress.getLocalHost().getHostName();
        } catch (java.io.IOException e) {
            return "unknown";
        }
    }
}
