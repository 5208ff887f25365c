package io.outpost.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PointsCommandTest {

    @Test
    void api_rows_become_an_aligned_table() throws Exception {
        List<Map<String, String>> rows = PointsCommand.parse("""
                [{"device":"tank","point":"level","value":3.25,"quality":"good","reason":"","ts":1,"ageSeconds":2.4,"unit":"m","topic":"s/tank/level"},
                 {"device":"tank","point":"pump","quality":"bad","reason":"timeout","ts":1,"ageSeconds":125.0,"unit":"","topic":"s/tank/pump"},
                 {"device":"plc","point":"arr","value":[1,2],"quality":"good","reason":"","ts":1,"ageSeconds":0,"unit":"","topic":"t"}]
                """);

        String table = PointsCommand.table(rows);

        assertThat(table).isEqualTo("""
                DEVICE  POINT    VALUE  UNIT  QUALITY  REASON    AGE
                tank    level     3.25  m     good                2s
                tank    pump         -        bad      timeout  2.1m
                plc     arr    [array]        good                0s
                3 point(s)
                """);
    }
}
