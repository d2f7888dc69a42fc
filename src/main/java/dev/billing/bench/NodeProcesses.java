package dev.billing.bench;

import dev.billing.BillingEngineApplication;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Engine processes a benchmark starts beside itself: {@code serve} nodes on its throwaway database, each with its
 * output in a file of the benchmark's directory. Settings that are secrets (the gateway's credentials) go in the
 * environment, never on a command line that {@code ps} shows.
 */
final class NodeProcesses implements AutoCloseable {

    private final List<Process> processes = new ArrayList<>();
    private final List<Path> logs = new ArrayList<>();

    /** Starts {@code count} serve nodes with these arguments and environment; returns when each says it serves. */
    static NodeProcesses serve(int count, Path dir, List<String> args, Map<String, String> environment, Duration wait)
            throws IOException, InterruptedException {
        NodeProcesses nodes = new NodeProcesses();
        try {
            for (int i = 0; i < count; i++) {
                Path log = dir.resolve("node-" + (i + 2) + ".log");
                List<String> command = new ArrayList<>(java());
                command.add("serve");
                command.addAll(args);
                ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
                builder.environment().putAll(environment);
                nodes.processes.add(builder.start());
                nodes.logs.add(log);
            }
            long deadline = System.nanoTime() + wait.toNanos();
            for (int i = 0; i < count; i++) {
                while (!read(nodes.logs.get(i)).contains("serving;")) {
                    if (!nodes.processes.get(i).isAlive() || System.nanoTime() > deadline) {
                        List<String> lines = read(nodes.logs.get(i)).lines().filter(l -> !l.startsWith("\tat ")).toList();
                        throw new IllegalStateException("node " + (i + 2) + " did not start; it said: "
                                + String.join(" | ", lines.subList(Math.max(0, lines.size() - 3), lines.size())));
                    }
                    Thread.sleep(200);
                }
            }
            return nodes;
        } catch (IOException | InterruptedException | RuntimeException e) {
            nodes.close();
            throw e;
        }
    }

    /** This JVM's java, heap limit and class path: the same engine, as a jar or as classes. */
    private static List<String> java() {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        long max = Runtime.getRuntime().maxMemory();
        command.add("-Xmx" + Math.max(256, max >> 20) + "m");
        String classPath = System.getProperty("java.class.path");
        if (classPath.endsWith(".jar") && !classPath.contains(java.io.File.pathSeparator)) {
            command.add("-jar");
            command.add(classPath);
        } else {
            command.add("-cp");
            command.add(classPath);
            command.add(BillingEngineApplication.class.getName());
        }
        return command;
    }

    private static String read(Path log) {
        try {
            return Files.exists(log) ? Files.readString(log, StandardCharsets.UTF_8) : "";
        } catch (IOException e) {
            return "";
        }
    }

    List<Long> pids() {
        return processes.stream().map(Process::pid).toList();
    }

    /** Stops the nodes (SIGTERM, then SIGKILL after 20 seconds). */
    @Override
    public void close() {
        processes.forEach(Process::destroy);
        for (Process p : processes) {
            try {
                if (!p.waitFor(20, TimeUnit.SECONDS)) {
                    p.destroyForcibly();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                p.destroyForcibly();
            }
        }
    }
}
