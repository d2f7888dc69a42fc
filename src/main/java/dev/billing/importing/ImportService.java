package dev.billing.importing;

import com.opencsv.CSVParserBuilder;
import com.opencsv.ICSVParser;
import dev.billing.batch.JobLauncherService;
import dev.billing.support.InvalidInputException;
import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.CharacterCodingException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import org.springframework.batch.core.job.Job;
import org.springframework.batch.core.job.JobExecution;
import org.springframework.batch.core.job.parameters.JobParameters;
import org.springframework.batch.core.job.parameters.JobParametersBuilder;
import org.springframework.batch.core.step.StepExecution;
import org.springframework.stereotype.Service;

/** Checks the files an operator names, then runs the {@code import} job on them. */
@Service
public class ImportService {

    private final Job importJob;
    private final JobLauncherService launcher;

    public ImportService(Job importJob, JobLauncherService launcher) {
        this.importJob = importJob;
        this.launcher = launcher;
    }

    /** What one import did, per file. */
    public record ImportResult(JobExecution execution, Map<String, ImportCounters> perFile, Map<String, Path> rejectsFiles) {

        public long rejected() {
            return perFile.values().stream().mapToLong(ImportCounters::rejected).sum();
        }
    }

    public ImportResult importFiles(Path tokens, Path orders) {
        if (tokens == null && orders == null) {
            throw new InvalidInputException("nothing to import: give --tokens FILE, --orders FILE or both");
        }
        JobParametersBuilder params = new JobParametersBuilder();
        if (tokens != null) {
            checkFile(tokens, ImportFileKind.TOKENS);
            params.addString(ImportJobConfiguration.TOKENS_FILE, tokens.toAbsolutePath().normalize().toString());
        }
        if (orders != null) {
            checkFile(orders, ImportFileKind.ORDERS);
            params.addString(ImportJobConfiguration.ORDERS_FILE, orders.toAbsolutePath().normalize().toString());
        }
        params.addString(ImportJobConfiguration.REQUESTED_AT, Instant.now().toString());
        JobParameters parameters = params.toJobParameters();
        return resultOf(launcher.start(importJob, parameters));
    }

    /**
     * The per-file counts of an import. A restarted step starts from the committed context of the execution it
     * resumes, so its counters are running totals: the latest execution of each step holds the whole count.
     */
    public ImportResult resultOf(JobExecution execution) {
        Map<String, StepExecution> latestSteps = new LinkedHashMap<>();
        for (JobExecution each : launcher.executionsOfInstance(execution)) {
            for (StepExecution step : each.getStepExecutions()) {
                latestSteps.put(step.getStepName(), step);
            }
        }
        Map<String, ImportCounters> perFile = new LinkedHashMap<>();
        Map<String, Path> rejects = new LinkedHashMap<>();
        for (StepExecution step : latestSteps.values()) {
            String fileParam = switch (step.getStepName()) {
                case "import-tokens" -> ImportJobConfiguration.TOKENS_FILE;
                case "import-orders" -> ImportJobConfiguration.ORDERS_FILE;
                default -> null;
            };
            String file = fileParam == null ? null : execution.getJobParameters().getString(fileParam);
            if (file != null) {
                perFile.merge(Path.of(file).getFileName().toString(), ImportCounters.from(step.getExecutionContext()), ImportCounters::plus);
            }
            step.getExecutionContext().entrySet().stream()
                    .filter(e -> e.getKey().startsWith("rejects.file."))
                    .forEach(e -> rejects.put(e.getKey().substring("rejects.file.".length()), Path.of(e.getValue().toString())));
        }
        return new ImportResult(execution, perFile, rejects);
    }

    /**
     * Refuses a file whose header is missing, wrong or not UTF-8 before anything is loaded. Only the header line is
     * decoded here: a bad byte further down is one rejected row, not a refused file.
     */
    private static void checkFile(Path file, ImportFileKind kind) {
        ICSVParser parser = new CSVParserBuilder().withEscapeChar(ICSVParser.NULL_CHARACTER).build();
        try (InputStream in = new BufferedInputStream(Files.newInputStream(file))) {
            ByteArrayOutputStream line = new ByteArrayOutputStream();
            for (int b = in.read(); b >= 0 && b != '\n' && line.size() < 65_536; b = in.read()) {
                line.write(b);
            }
            if (line.size() == 0) {
                throw new InvalidInputException(kind.label() + " file " + file + " is empty; it needs the header " + kind.expectedHeader());
            }
            String header = CsvLineReader.decode(line.toByteArray()).replaceAll("\r$", "");
            String problem = kind.checkHeader(parser.parseLine(header));
            if (problem != null) {
                throw new InvalidInputException(kind.label() + " file " + file + ": " + problem);
            }
        } catch (NoSuchFileException e) {
            throw new InvalidInputException("cannot read " + kind.label() + " file " + file + ": no such file");
        } catch (CharacterCodingException e) {
            throw new InvalidInputException(kind.label() + " file " + file + ": the header is not UTF-8 text; save the file as UTF-8");
        } catch (IOException e) {
            throw new InvalidInputException("cannot read " + kind.label() + " file " + file + ": " + e.getMessage());
        }
    }
}
