package io.outpost.bench.soak;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class LedgerTest {

    private static final String Q1 = "cloud/soak/q1/m00/u000";
    private static final String Q2 = "cloud/soak/q2/m01/u000";

    private static String oid(long epoch, long seq) {
        return Long.toString(epoch, 36) + "." + Long.toString(seq, 36);
    }

    @Test
    void clean_whenEveryAcceptedPublicationArrivesAndQos1DuplicatesCarryTheirId() {
        Ledger l = new Ledger();
        for (long n = 0; n < 4; n++) {
            l.attempted(n);
            l.accepted(n);
        }
        l.received("cloud/soak/q1/pub/t0", "0", 1, false, oid(1000, 0));
        l.received("cloud/soak/q2/pub/t0", "1", 2, false, oid(1000, 1));
        l.received("cloud/soak/q1/pub/t0", "0", 1, false, oid(1000, 0));
        l.received(Q1, "{\"value\":5}", 1, false, oid(1000, 2));
        l.received("cloud/soak/q1/pub/t1", "2", 1, false, oid(2000, 7));
        l.received("cloud/soak/q2/pub/t1", "3", 2, false, oid(2000, 8));

        SoakReport.Counts c = l.counts();

        assertThat(c.lost()).isZero();
        assertThat(c.gaps()).isZero();
        assertThat(c.duplicatesQos1()).isEqualTo(1);
        assertThat(c.duplicatesQos2()).isZero();
        assertThat(c.disorders()).isZero();
        assertThat(c.runs()).isEqualTo(2);
        assertThat(c.deviceReadings()).isEqualTo(1);
        assertThat(report(c).clean()).isTrue();
    }

    @Test
    void lost_whenAnAcknowledgedPublicationNeverArrives_butNotWhenItWasNeverAcknowledged() {
        Ledger l = new Ledger();
        l.attempted(0);
        l.accepted(0);
        l.attempted(1);
        l.attempted(2);
        l.accepted(2);
        l.received("cloud/soak/q1/pub/t0", "2", 1, false, oid(1000, 0));

        SoakReport.Counts c = l.counts();

        assertThat(c.lost()).isEqualTo(1);
        assertThat(c.examples()).anyMatch(e -> e.contains("publication 0"));
        assertThat(report(c).clean()).isFalse();
    }

    @Test
    void gap_whenAMessageIdInsideOneGatewayRunIsMissing() {
        Ledger l = new Ledger();
        l.received(Q1, "{}", 1, false, oid(1000, 10));
        l.received(Q1, "{}", 1, false, oid(1000, 12));

        assertThat(l.counts().gaps()).isEqualTo(1);
    }

    @Test
    void qos2Duplicate_whenTheSameIdArrivesTwiceOnAQos2Topic() {
        Ledger l = new Ledger();
        l.received(Q2, "{}", 2, false, oid(1000, 3));
        l.received(Q2, "{}", 2, false, oid(1000, 3));

        SoakReport.Counts c = l.counts();

        assertThat(c.duplicatesQos2()).isEqualTo(1);
        assertThat(report(c).clean()).isFalse();
    }

    @Test
    void disorder_whenAnOlderMessageArrivesFirstAfterANewerOneOnTheSameTopic() {
        Ledger l = new Ledger();
        l.received(Q1, "{}", 1, false, oid(1000, 5));
        l.received(Q1, "{}", 1, false, oid(1000, 4));
        l.received(Q1, "{}", 1, false, oid(900, 9));

        assertThat(l.counts().disorders()).isEqualTo(2);
    }

    @Test
    void retainedReplays_areNotDeliveries() {
        Ledger l = new Ledger();
        l.received(Q2, "{}", 2, false, oid(1000, 3));
        l.received(Q2, "{}", 2, true, oid(1000, 3));

        SoakReport.Counts c = l.counts();

        assertThat(c.duplicatesQos2()).isZero();
        assertThat(c.retainedReplays()).isEqualTo(1);
    }

    @Test
    void notClean_whenTheLastRunDeliveredFewerThanItsEngineAccepted() {
        SoakReport r = new SoakReport(1, 1, new Ledger().counts(), java.util.Map.of(), 10, 9);

        assertThat(r.clean()).isFalse();
    }

    private static SoakReport report(SoakReport.Counts c) {
        return new SoakReport(1, 1, c, java.util.Map.of(), -1, 0);
    }
}
