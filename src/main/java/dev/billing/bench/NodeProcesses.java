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
    private final List<ProcessBuilder> builders = new ArrayList<>();

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
                nodes.builders.add(builder);
                nodes.processes.add(builder.start());
                nodes.logs.add(log);
            }
            long deadline = System.nanoTime() + wait.toNanos();
            for (int i = 0; i < count; i++) {
                nodes.awaitServing(i, deadline);
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

    private void awaitServing(int i, long deadline) throws InterruptedException {
        while (!read(logs.get(i)).contains("serving;")) {
            if (!processes.get(i).isAlive() || System.nanoTime() > deadline) {
                List<String> lines = read(logs.get(i)).lines().filter(l -> !l.startsWith("\tat ")).toList();
                throw new IllegalStateException("node " + (i + 2) + " did not start; it said: "
                        + String.join(" | ", lines.subList(Math.max(0, lines.size() - 3), lines.size())));
            }
            Thread.sleep(200);
        }
    }

    List<Long> pids() {
        return processes.stream().map(Process::pid).toList();
    }

    /** The index of the node with this process id, or -1. */
    int indexOf(long pid) {
        for (int i = 0; i < processes.size(); i++) {
            if (processes.get(i).pid() == pid) {
                return i;
            }
        }
        return -1;
    }

    /** {@code kill -9} of node {@code i}; returns when it is gone. */
    void kill(int i) throws InterruptedException {
        processes.get(i).destroyForcibly().waitFor();
    }

    /** SIGTERM to node {@code i}; returns its exit code once it has ended, or -1 after {@code wait}. */
    int terminate(int i, Duration wait) throws InterruptedException {
        Process process = processes.get(i);
        process.destroy();
        return process.waitFor(wait.toMillis(), TimeUnit.MILLISECONDS) ? process.exitValue() : -1;
    }

    /** Starts node {@code i} again, as it was started (its output appended to its file); returns when it serves. */
    void restart(int i, Duration wait) throws IOException, InterruptedException {
        Path log = logs.get(i).resolveSibling(logs.get(i).getFileName().toString().replace(".log", "") + "-again-" + System.nanoTime() + ".log");
        ProcessBuilder builder = builders.get(i).redirectOutput(log.toFile());
        processes.set(i, builder.start());
        logs.set(i, log);
        awaitServing(i, System.nanoTime() + wait.toNanos());
    }

    int size() {
        return processes.size();
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
