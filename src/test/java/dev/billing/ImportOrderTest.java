package dev.billing;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Imports in one order in every source file, main and test: the static imports first, then the others, each block
 * sorted, one blank line between the two blocks and none inside them. (Unused imports fail the compile itself: Error
 * Prone's RemoveUnusedImports is an error.)
 */
class ImportOrderTest {

    @Test
    void everyFileImportsInOneOrder() throws IOException {
        List<String> wrong = new ArrayList<>();
        for (Path root : List.of(Path.of("src/main/java"), Path.of("src/test/java"))) {
            try (Stream<Path> files = Files.walk(root)) {
                for (Path file : files.filter(f -> f.toString().endsWith(".java")).toList()) {
                    List<String> lines = Files.readAllLines(file);
                    int first = -1;
                    int last = -1;
                    for (int i = 0; i < lines.size(); i++) {
                        if (lines.get(i).startsWith("import ")) {
                            first = first < 0 ? i : first;
                            last = i;
                        }
                    }
                    if (first < 0) {
                        continue;
                    }
                    List<String> region = lines.subList(first, last + 1);
                    List<String> statics = region.stream().filter(l -> l.startsWith("import static ")).sorted().toList();
                    List<String> others = region.stream().filter(l -> l.startsWith("import ") && !l.startsWith("import static "))
                            .sorted().toList();
                    List<String> expected = new ArrayList<>(statics);
                    if (!statics.isEmpty() && !others.isEmpty()) {
                        expected.add("");
                    }
                    expected.addAll(others);
                    if (!region.equals(expected)) {
                        wrong.add(file.toString());
                    }
                }
            }
        }
        assertThat(wrong).as("files whose imports are out of order (static first, then the rest, each sorted)").isEmpty();
    }
}
