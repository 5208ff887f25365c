package io.outpost.mqtt.broker.auth;

import static org.assertj.core.api.Assertions.assertThat;

import io.outpost.mqtt.api.TopicFilter;
import io.outpost.mqtt.broker.config.Access;
import io.outpost.mqtt.broker.config.AclRule;
import java.util.List;
import org.junit.jupiter.api.Test;

class AccessControlTest {

    private final AccessControl acl = new AccessControl(List.of(
            new AclRule("hmi", null, "site/#", Access.READ),
            new AclRule("hmi", null, "site/+/+/set", Access.WRITE),
            new AclRule(null, null, "clients/%c/#", Access.READWRITE),
            new AclRule(null, null, "users/%u/#", Access.READWRITE),
            new AclRule(null, "plc-7", "plant/7/#", Access.WRITE)));

    @Test
    void without_rules_everything_is_allowed() {
        ClientAccess all = new AccessControl(null).forClient(null, "x");
        assertThat(all.mayPublish("any/thing")).isTrue();
        assertThat(all.maySubscribe(TopicFilter.parse("#"))).isTrue();
    }

    @Test
    void rules_grant_by_user_and_client_id_and_deny_everything_else() {
        ClientAccess hmi = acl.forClient("hmi", "panel-1");
        assertThat(hmi.maySubscribe(TopicFilter.parse("site/+/level"))).isTrue();
        assertThat(hmi.maySubscribe(TopicFilter.parse("#"))).isFalse();
        assertThat(hmi.mayPublish("site/tank/level")).isFalse();
        assertThat(hmi.mayPublish("site/tank/level/set")).isTrue();
        ClientAccess plc = acl.forClient(null, "plc-7");
        assertThat(plc.mayPublish("plant/7/flow")).isTrue();
        assertThat(plc.maySubscribe(TopicFilter.parse("plant/7/#"))).isFalse();
    }

    @Test
    void placeholders_are_filled_in_and_never_widen_a_grant() {
        assertThat(acl.forClient("ann", "c1").mayPublish("users/ann/x")).isTrue();
        assertThat(acl.forClient("ann", "c1").mayPublish("clients/c1/x")).isTrue();
        assertThat(acl.forClient(null, "c1").mayPublish("users/null/x")).isFalse();
        ClientAccess sneaky = acl.forClient("#", "+");
        assertThat(sneaky.mayPublish("users/anything/x")).isFalse();
        assertThat(sneaky.mayPublish("clients/any/x")).isFalse();
    }

    @Test
    void covers_follows_filter_containment_and_the_dollar_rule() {
        assertThat(TopicFilter.parse("site/#").covers(TopicFilter.parse("site/+/x"))).isTrue();
        assertThat(TopicFilter.parse("site/#").covers(TopicFilter.parse("site"))).isTrue();
        assertThat(TopicFilter.parse("site/+").covers(TopicFilter.parse("site/#"))).isFalse();
        assertThat(TopicFilter.parse("a/b").covers(TopicFilter.parse("a/+"))).isFalse();
        assertThat(TopicFilter.parse("#").covers(TopicFilter.parse("$SYS/x"))).isFalse();
        assertThat(TopicFilter.parse("+/x").covers(TopicFilter.parse("$SYS/x"))).isFalse();
        assertThat(TopicFilter.parse("$SYS/#").covers(TopicFilter.parse("$SYS/x"))).isTrue();
        assertThat(TopicFilter.parse("a/b/#").covers(TopicFilter.parse("a"))).isFalse();
    }
}
