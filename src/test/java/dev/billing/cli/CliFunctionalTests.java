package dev.billing.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.billing.EngineTest;
import dev.billing.Fixtures;
import dev.billing.command.ExitCodes;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.JdbcTemplate;

/** The command line as an operator meets it: exit codes, one-line errors, and what it prints. */
@EngineTest
class CliFunctionalTests {

    private static final String PAN = "4005550000000001";

    @Autowired
    JdbcTemplate jdbc;
    @TempDir
    Path dir;

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    @BeforeEach
    void reset() {
        Fixtures.resetEngineTables(jdbc);
    }

    private int run(String... args) {
        Cli cli = new Cli(new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8),
                Map.of("spring.profiles.active", "test"));
        return cli.execute(args);
    }

    private String out() {
        return out.toString(StandardCharsets.UTF_8);
    }

    private String err() {
        return err.toString(StandardCharsets.UTF_8);
    }

    @Test
    void helpListsTheCommands() {
        assertThat(run("--help")).isZero();
        assertThat(out()).contains("import").contains("jobs");
        assertThat(run("jobs", "--help")).isZero();
        assertThat(out()).contains("list").contains("show").contains("restart").contains("stop").contains("abandon").contains("recover");
    }

    @Test
    void anUnreadableFileIsExitCodeTwoWithOneLine() {
        assertThat(run("import", "--orders", dir.resolve("missing.csv").toString())).isEqualTo(ExitCodes.USAGE);
        assertThat(err().lines()).hasSize(1);
        assertThat(err()).startsWith("error: cannot read orders file").contains("no such file");
    }

    @Test
    void anUnknownExecutionIsExitCodeTwo() {
        assertThat(run("jobs", "show", "987654321")).isEqualTo(ExitCodes.USAGE);
        assertThat(err().trim()).isEqualTo("error: there is no job execution 987654321; 'jobs list' shows the recent ones");
    }

    @Test
    void aBadOptionIsAUsageError() {
        assertThat(run("import", "--bogus")).isEqualTo(ExitCodes.USAGE);
        assertThat(err().lines()).hasSize(1);
    }

    @Test
    void importExitsThreeWhenRowsAreRejectedAndListsTheExecution() throws IOException {
        Path tokens = Files.writeString(dir.resolve("tokens.csv"), """
                token_name,customer_id,customer_email,card_mask,card_expiry,created_at,status
                tok-1,C1,a@example.com,400555******0001,05/29,2026-01-01T00:00:00Z,VERIFIED
                tok-2,C2,b@example.com,%s,05/29,2026-01-01T00:00:00Z,NEW
                """.formatted(PAN));

        assertThat(run("import", "--tokens", tokens.toString())).isEqualTo(ExitCodes.ROWS_REJECTED);
        assertThat(out()).contains("tokens.csv: 1 new, 0 updated, 0 unchanged, 1 rejected");

        assertThat(run("jobs", "list")).isZero();
        List<String> lines = out().lines().filter(l -> l.matches("^\\d+ +import .*")).toList();
        assertThat(lines).hasSize(1);
        assertThat(lines.get(0)).contains("COMPLETED").contains("2/2/0");
    }

    @Test
    void aFullCardNumberIsNeverStoredLoggedOrEchoed() throws IOException {
        Path tokens = Files.writeString(dir.resolve("cards.csv"), """
                token_name,customer_id,customer_email,card_mask,card_expiry,created_at,status
                tok-pan,C9,c@example.com,%s,05/29,2026-01-01T00:00:00Z,NEW
                tok-pan-spaced,C9,c@example.com,4005 5500 0000 0001,05/29,2026-01-01T00:00:00Z,NEW
                """.formatted(PAN));

        assertThat(run("import", "--tokens", tokens.toString(), "--debug")).isEqualTo(ExitCodes.ROWS_REJECTED);

        assertThat(out() + err()).doesNotContain(PAN).doesNotContain("4005 5500 0000 0001");
        for (String table : jdbc.queryForList("SELECT tablename FROM pg_tables WHERE schemaname = 'public'", String.class)) {
            String content = jdbc.queryForObject("SELECT coalesce(string_agg(t::text, ' '), '') FROM " + table + " t", String.class);
            assertThat(content.replaceAll("[ -]", "")).as("table " + table).doesNotContain(PAN);
        }
        assertThat(jdbc.queryForObject("SELECT count(*) FROM import_rejects WHERE row_text LIKE '%400555******0001%'", Long.class))
                .isEqualTo(2);
        try (Stream<Path> files = Files.walk(Path.of("target/test-reports"))) {
            for (Path file : files.filter(Files::isRegularFile).toList()) {
                assertThat(Files.readString(file).replaceAll("[ -]", "")).as(file.toString()).doesNotContain(PAN);
            }
        }
        Path log = Path.of("target/test-data/logs/billing-engine.log");
        if (Files.exists(log)) {
            assertThat(Files.readString(log).replaceAll("[ -]", "")).doesNotContain(PAN);
        }
    }

    @Test
    void aBenchmarkSaysItIgnoresTheDataDirectoryAUserGivesItAndNeverUsesAJoinedPath() throws IOException {
        Path mine = dir.resolve("mine");

        int exit = run("bench-import", "--rows", "200", "--billing.data-dir=" + mine);

        assertThat(exit).as(err.toString(StandardCharsets.UTF_8)).isZero();
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("--billing.data-dir=" + mine + " is ignored: bench-import runs in a"
                + " throwaway database and directory of its own");
        assertThat(out()).contains("imported 200 order rows");
        assertThat(mine).doesNotExist();
        try (Stream<Path> files = Files.list(dir)) {
            assertThat(files.map(p -> p.getFileName().toString())).noneMatch(name -> name.contains(","));
        }
    }
}
