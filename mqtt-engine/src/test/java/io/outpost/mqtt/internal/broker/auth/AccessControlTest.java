package io.outpost.mqtt.internal.broker.auth;

import static org.assertj.core.api.Assertions.assertThat;

import io.outpost.mqtt.api.TopicFilter;
import io.outpost.mqtt.broker.config.Access;
import io.outpost.mqtt.broker.config.AclRule;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class AccessControlTest {

    private final AccessControl acl = new AccessControl(List.of(
            new AclRule("hmi", null, "site/#", Access.READ),
            new AclRule("hmi", null, "site/+/+/set", Access.WRITE),
            new AclRule(null, null, "clients/%c/#", Access.READWRITE),
            new AclRule(null, null, "users/%u/#", Access.READWRITE),
            new AclRule("plc", "plc-7", "plant/7/#", Access.WRITE)));

    private static ClientIdentity user(String name, String clientId) {
        return new ClientIdentity(clientId, name, ClientIdentity.Kind.PASSWORD);
    }

    private static ClientIdentity anonymous(String clientId) {
        return new ClientIdentity(clientId, null, ClientIdentity.Kind.ANONYMOUS);
    }

    @Test
    void without_rules_everything_is_allowed() {
        ClientAccess all = new AccessControl(null).forClient(anonymous("x"), null);
        assertThat(all.mayPublish("any/thing")).isTrue();
        assertThat(all.maySubscribe(TopicFilter.parse("#"))).isTrue();
        assertThat(all.readsEverything()).isTrue();
    }

    @Test
    void rules_grant_by_user_and_client_id_and_deny_everything_else() {
        ClientAccess hmi = acl.forClient(user("hmi", "panel-1"), null);
        assertThat(hmi.maySubscribe(TopicFilter.parse("site/+/level"))).isTrue();
        assertThat(hmi.maySubscribe(TopicFilter.parse("#"))).isFalse();
        assertThat(hmi.mayPublish("site/tank/level")).isFalse();
        assertThat(hmi.mayPublish("site/tank/level/set")).isTrue();
        ClientAccess plc = acl.forClient(user("plc", "plc-7"), null);
        assertThat(plc.mayPublish("plant/7/flow")).isTrue();
        assertThat(plc.maySubscribe(TopicFilter.parse("plant/7/#"))).isFalse();
    }

    @Test
    void a_client_id_rule_does_not_apply_to_another_user_claiming_the_client_id() {
        assertThat(acl.forClient(anonymous("plc-7"), null).mayPublish("plant/7/flow")).isFalse();
        assertThat(acl.forClient(user("mallory", "plc-7"), null).mayPublish("plant/7/flow")).isFalse();
    }

    @Test
    void placeholders_are_filled_in_and_never_widen_a_grant() {
        assertThat(acl.forClient(user("ann", "c1"), null).mayPublish("users/ann/x")).isTrue();
        assertThat(acl.forClient(user("ann", "c1"), null).mayPublish("clients/c1/x")).isTrue();
        assertThat(acl.forClient(anonymous("c1"), null).mayPublish("users/null/x")).isFalse();
        ClientAccess sneaky = acl.forClient(user("#", "+"), null);
        assertThat(sneaky.mayPublish("users/anything/x")).isFalse();
        assertThat(sneaky.mayPublish("clients/any/x")).isFalse();
    }

    @Test
    void a_deny_rule_takes_topics_away_from_a_wider_grant_whatever_the_order() {
        for (List<AclRule> rules : List.of(
                List.of(new AclRule(null, null, "site/#", Access.READWRITE), new AclRule(null, null, "site/+/secret", Access.DENY)),
                List.of(new AclRule(null, null, "site/+/secret", Access.DENY), new AclRule(null, null, "site/#", Access.READWRITE)))) {
            ClientAccess a = new AccessControl(rules).forClient(anonymous("c"), null);
            assertThat(a.mayRead("site/pump/level")).isTrue();
            assertThat(a.mayRead("site/pump/secret")).isFalse();
            assertThat(a.mayPublish("site/pump/secret")).isFalse();
            assertThat(a.mayPublish("site/pump/level")).isTrue();
            assertThat(a.maySubscribe(TopicFilter.parse("site/#"))).as("granted; the secret is filtered at delivery").isTrue();
            assertThat(a.deniesPartOf(TopicFilter.parse("site/#"))).isTrue();
            assertThat(a.deniesPartOf(TopicFilter.parse("site/+/level"))).isFalse();
            assertThat(a.maySubscribe(TopicFilter.parse("site/pump/secret"))).as("wholly denied").isFalse();
        }
    }

    @Test
    void a_deny_rule_with_a_placeholder_it_cannot_fill_denies_the_whole_level() {
        AccessControl rules = new AccessControl(List.of(new AclRule(null, null, "#", Access.READWRITE),
                new AclRule(null, null, "private/%u/#", Access.DENY)));
        ClientAccess anon = rules.forClient(anonymous("c"), null);
        assertThat(anon.mayRead("private/ann/x")).isFalse();
        assertThat(rules.forClient(user("bob", "c"), null).mayRead("private/ann/x")).isTrue();
        assertThat(rules.forClient(user("ann", "c"), null).mayRead("private/ann/x")).isFalse();
    }

    @Test
    void clients_that_did_not_authenticate_may_not_publish_on_command_topics() {
        CommandTopics commands = new CommandTopics();
        commands.set(Set.of("site/pump/speed/set"));
        ClientAccess anon = new AccessControl(null).forClient(anonymous("c"), commands);
        assertThat(anon.mayPublish("site/pump/speed/set")).isFalse();
        assertThat(anon.mayPublish("site/pump/speed")).isTrue();
        ClientAccess label = new AccessControl(null).forClient(new ClientIdentity("c", "hmi", ClientIdentity.Kind.LABEL),
                commands);
        assertThat(label.mayPublish("site/pump/speed/set")).as("a user name without a password proves nothing").isFalse();
        assertThat(new AccessControl(null).forClient(user("hmi", "c"), commands).mayPublish("site/pump/speed/set")).isTrue();
    }

    @Test
    void filters_intersect_when_some_topic_matches_both() {
        assertThat(ClientAccess.intersects("a/#".split("/"), "a".split("/"))).isTrue();
        assertThat(ClientAccess.intersects("site/+/secret".split("/"), "site/#".split("/"))).isTrue();
        assertThat(ClientAccess.intersects("site/+/secret".split("/"), "site/x/level".split("/"))).isFalse();
        assertThat(ClientAccess.intersects("+/x".split("/"), "$SYS/x".split("/"))).isFalse();
        assertThat(ClientAccess.intersects("a/b".split("/"), "a/b/c".split("/"))).isFalse();
        assertThat(ClientAccess.intersects("a/+/c".split("/"), "a/b/+".split("/"))).isTrue();
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
