package dev.billing.batch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.batch.infrastructure.item.ExecutionContext;

class TokenPartitionTest {

    @Test
    void oneWholePartitionAddsNoCondition() {
        assertThat(TokenPartition.WHOLE.filter("o.token_name")).isEmpty();
        assertThat(TokenPartition.of(new ExecutionContext())).isEqualTo(TokenPartition.WHOLE);
    }

    @Test
    void aPartitionsConditionStandsBetweenOtherClauses() {
        String filter = new TokenPartition(2, 3).filter("o.token_name");

        assertThat(filter).isEqualTo(" AND (hashtext(o.token_name) & 2147483647) % 3 = 2 ");
        assertThat("WHERE x = 1" + filter + "ORDER BY id").contains("= 2 ORDER BY");
    }

    @Test
    void thePartitionerGivesEachPartitionItsIndexAndTheirCount() {
        Map<String, ExecutionContext> partitions = TokenPartition.partitioner().partition(3);

        assertThat(partitions).containsOnlyKeys("partition0", "partition1", "partition2");
        assertThat(TokenPartition.of(partitions.get("partition1"))).isEqualTo(new TokenPartition(1, 3));
    }

    @Test
    void thereIsNoPartitionOutsideTheCount() {
        assertThatThrownBy(() -> new TokenPartition(3, 3)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new TokenPartition(0, 0)).isInstanceOf(IllegalArgumentException.class);
    }
}
