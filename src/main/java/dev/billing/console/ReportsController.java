package dev.billing.console;

import dev.billing.audit.AuditLog;
import dev.billing.operations.JobRunner;
import dev.billing.support.EngineProperties;
import dev.billing.support.OperatorException;
import dev.billing.support.Throwables;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.Principal;
import java.time.Instant;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.batch.core.job.JobExecution;
import org.springframework.core.io.FileSystemResource;
import org.springframework.core.io.Resource;
import org.springframework.http.ContentDisposition;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.multipart.MultipartFile;
import org.springframework.web.servlet.mvc.support.RedirectAttributes;

/**
 * A business date's reports as written ({@code <reports>/<date>/}): the files with their SHA-256, downloads (FINANCE,
 * OPERATOR), and the upload of the gateway's settlement file, which runs {@code reconcile} with it and so writes the
 * matching report (the uploaded file is deleted once that run has read it). Only files named like the engine's reports
 * are ever served.
 */
@Controller
class ReportsController {

    private static final Logger log = LoggerFactory.getLogger(ReportsController.class);
    /** A report's name: a word or two, the date, {@code .csv}, perhaps {@code .sha256}. Nothing else is served. */
    private static final Pattern REPORT_NAME = Pattern.compile("[a-z]+(-[a-z]+)*-\\d{4}-\\d{2}-\\d{2}\\.csv(\\.sha256)?");

    /** One report file as the page lists it. */
    record ReportFile(String name, long bytes, String sha256) {
    }

    private final Path reportsDir;
    private final Path uploadsDir;
    private final JobRunner runner;
    private final AuditLog audit;

    ReportsController(EngineProperties engine, JobRunner runner, AuditLog audit) {
        this.reportsDir = engine.reports().dir();
        this.uploadsDir = engine.dataDir().resolve("settlements");
        this.runner = runner;
        this.audit = audit;
    }

    @GetMapping("/console/reports")
    String latest(@RequestParam(required = false) String date, Model model) throws IOException {
        LocalDate asked = date == null ? null : date(date.strip());
        if (asked != null) {
            return "redirect:/console/reports/" + asked;
        }
        List<String> dates = new ArrayList<>();
        if (Files.isDirectory(reportsDir)) {
            try (DirectoryStream<Path> days = Files.newDirectoryStream(reportsDir, "[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]")) {
                days.forEach(d -> dates.add(d.getFileName().toString()));
            }
        }
        dates.sort(Comparator.reverseOrder());
        model.addAttribute("dates", dates.size() > 400 ? dates.subList(0, 400) : dates);
        model.addAttribute("today", runner.today().toString());
        return "console/reports";
    }

    @GetMapping("/console/reports/{date}")
    String reports(@PathVariable String date, Model model) throws IOException {
        LocalDate day = date(date);
        if (day == null) {
            model.addAttribute("message", "'" + date + "' is not a date; write it as 2026-11-27.");
            return "console/missing";
        }
        List<ReportFile> files = new ArrayList<>();
        Path dir = reportsDir.resolve(day.toString());
        if (Files.isDirectory(dir)) {
            try (DirectoryStream<Path> entries = Files.newDirectoryStream(dir, "*.csv")) {
                for (Path file : entries) {
                    String name = file.getFileName().toString();
                    if (REPORT_NAME.matcher(name).matches() && Files.isRegularFile(file)) {
                        files.add(new ReportFile(name, Files.size(file), checksum(file)));
                    }
                }
            }
        }
        files.sort(Comparator.comparing(ReportFile::name));
        model.addAttribute("date", day.toString());
        model.addAttribute("files", files);
        return "console/report-files";
    }

    /** The hex SHA-256 written beside the file ({@code sha256sum} format), or "" when there is none. */
    private static String checksum(Path file) throws IOException {
        Path sum = file.resolveSibling(file.getFileName() + ".sha256");
        if (!Files.isRegularFile(sum)) {
            return "";
        }
        String line = Files.readString(sum, StandardCharsets.US_ASCII).strip();
        int space = line.indexOf(' ');
        return space > 0 ? line.substring(0, space) : line;
    }

    @GetMapping("/console/reports/{date}/{file}")
    ResponseEntity<Resource> download(@PathVariable String date, @PathVariable String file) {
        LocalDate day = date(date);
        if (day == null || !REPORT_NAME.matcher(file).matches() || !file.contains(day.toString())) {
            return ResponseEntity.notFound().build();
        }
        Path dir = reportsDir.resolve(day.toString()).normalize();
        Path path = dir.resolve(file).normalize();
        if (!path.getParent().equals(dir) || !Files.isRegularFile(path)) {
            return ResponseEntity.notFound().build();
        }
        MediaType type = file.endsWith(".sha256") ? MediaType.TEXT_PLAIN : new MediaType("text", "csv", StandardCharsets.UTF_8);
        return ResponseEntity.ok().contentType(type)
                .header(HttpHeaders.CONTENT_DISPOSITION, ContentDisposition.attachment().filename(file).build().toString())
                .header("X-Content-Type-Options", "nosniff")
                .body(new FileSystemResource(path));
    }

    @PostMapping("/console/reports/{date}/settlement")
    String upload(@PathVariable String date, @RequestParam("file") MultipartFile file, Principal who, RedirectAttributes flash) {
        LocalDate day = date(date);
        String result;
        String target = "settlement for " + date;
        Path saved = null;
        try {
            if (day == null) {
                throw new OperatorException("'" + date + "' is not a date");
            }
            runner.checkDate(day, false, "the business date " + day);
            if (file.isEmpty()) {
                throw new OperatorException("the file is empty: choose the gateway's transaction report for " + day);
            }
            saved = uploadsDir.resolve(day + "-" + Instant.now().toEpochMilli() + ".csv");
            try (InputStream in = file.getInputStream()) {
                Files.createDirectories(uploadsDir);
                Files.copy(in, saved, StandardCopyOption.REPLACE_EXISTING);
            } catch (IOException e) {
                log.warn("Settlement upload for {}: cannot store it in {}: {}", day, uploadsDir, e.toString());
                throw new OperatorException("the server could not store the file (its disk may be full); nothing was matched."
                        + " Try again, or ask an operator to look at the server's log");
            }
            JobExecution run;
            try {
                run = runner.run("reconcile", day, saved);
            } finally {
                // the gateway's report is read once, by this run; the engine keeps what it matched, not the file
                Files.deleteIfExists(saved);
            }
            String exit = run.getExitStatus().getExitDescription();
            result = "reconcile execution " + run.getId() + " " + run.getStatus()
                    + (run.getStatus().isUnsuccessful() && exit != null && !exit.isBlank() ? ": " + inWords(firstLine(exit), saved) : "");
        } catch (OperatorException e) {
            result = "refused: " + inWords(e.getMessage(), saved);
        } catch (IOException | RuntimeException e) {
            log.warn("Settlement upload for {} failed", date, e);
            result = "failed: the file could not be matched, and no report was written; the server's log has the details"
                    + " (under 'Settlement upload for " + day + "')";
        }
        audit.append(who.getName(), "SETTLEMENT_UPLOAD", target, result);
        flash.addFlashAttribute("notice", "Settlement file for " + date + ": " + result);
        return "redirect:/console/reports/" + (day == null ? "" : day);
    }

    /**
     * A message as a person reads it: the stored upload called "the uploaded file" (never a path of the server), and no
     * exception class before it.
     */
    static String inWords(String message, Path saved) {
        String text = message == null ? "" : message;
        if (saved != null) {
            text = text.replace("settlement file " + saved.toAbsolutePath().normalize(), "the uploaded file")
                    .replace("settlement file " + saved, "the uploaded file")
                    .replace(saved.toAbsolutePath().normalize().toString(), "the uploaded file").replace(saved.toString(), "the uploaded file");
        }
        return Throwables.withoutClassName(text);
    }

    private static String firstLine(String text) {
        int end = text.indexOf('\n');
        return end < 0 ? text : text.substring(0, end);
    }

    private static LocalDate date(String text) {
        try {
            return LocalDate.parse(text);
        } catch (DateTimeParseException e) {
            return null;
        }
    }
}
