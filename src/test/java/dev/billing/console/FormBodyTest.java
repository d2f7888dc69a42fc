package dev.billing.console;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Forms and query strings read strictly: what the servlet API would give, or a refusal, never a replacement character. */
class FormBodyTest {

    @Test
    void readsTheQueryStringThenTheBodyInOrderWithRepeatedNames() {
        Map<String, String[]> p = FormBody.of("a=1&b=x+y", "a=2&c=%C3%A9t%C3%A9&empty=&flag".getBytes(StandardCharsets.UTF_8));

        assertThat(p.keySet()).containsExactly("a", "b", "c", "empty", "flag");
        assertThat(p.get("a")).containsExactly("1", "2");
        assertThat(p.get("b")).containsExactly("x y");
        assertThat(p.get("c")).containsExactly("été");
        assertThat(p.get("empty")).containsExactly("");
        assertThat(p.get("flag")).containsExactly("");
        assertThat(FormBody.of(null, null)).isEmpty();
        assertThat(FormBody.of("q=%E2%82%AC", null).get("q")).containsExactly("€");
    }

    @Test
    void refusesWhatCannotBeReadExactly() {
        assertThatThrownBy(() -> FormBody.of("q=ab%00cd", null)).isInstanceOf(FormBody.Malformed.class).hasMessageContaining("control");
        assertThatThrownBy(() -> FormBody.of("q=%FF%FE", null)).isInstanceOf(FormBody.Malformed.class).hasMessageContaining("UTF-8");
        assertThatThrownBy(() -> FormBody.of("q=%C3%28", null)).isInstanceOf(FormBody.Malformed.class).hasMessageContaining("UTF-8");
        assertThatThrownBy(() -> FormBody.of("q=%zz", null)).isInstanceOf(FormBody.Malformed.class).hasMessageContaining("hexadecimal");
        assertThatThrownBy(() -> FormBody.of("q=%4", null)).isInstanceOf(FormBody.Malformed.class).hasMessageContaining("cut short");
        assertThatThrownBy(() -> FormBody.of(null, new byte[] {'a', '=', (byte) 0xff})).isInstanceOf(FormBody.Malformed.class);
        assertThat(FormBody.of("note=line%0Abreak%09tab", null).get("note")).containsExactly("line\nbreak\ttab");
    }
}
