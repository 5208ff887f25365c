package io.outpost.adapter.bacnet.stack;

import static org.assertj.core.api.Assertions.assertThat;

import com.serotonin.bacnet4j.LocalDevice;
import com.serotonin.bacnet4j.RemoteDevice;
import com.serotonin.bacnet4j.npdu.ip.IpNetworkBuilder;
import com.serotonin.bacnet4j.transport.DefaultTransport;
import com.serotonin.bacnet4j.type.constructed.ServicesSupported;
import com.serotonin.bacnet4j.type.enumerated.ObjectType;
import com.serotonin.bacnet4j.type.enumerated.PropertyIdentifier;
import com.serotonin.bacnet4j.type.enumerated.Segmentation;
import com.serotonin.bacnet4j.type.primitive.ObjectIdentifier;
import com.serotonin.bacnet4j.util.sero.ByteQueue;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class RpmPlannerTest {

    /** A local device that is never started: enough to hold a remote device's description. */
    private static final LocalDevice LOCAL = new LocalDevice(1, new DefaultTransport(
            new IpNetworkBuilder().withBroadcast("127.0.0.1", 32).withPort(0).build()));

    private static BacnetPeer peer(int maxApdu, Segmentation segmentation, int maxSegments) {
        ServicesSupported services = new ServicesSupported();
        services.setReadPropertyMultiple(true);
        return new BacnetPeer(new RemoteDevice(LOCAL, 7), maxApdu, segmentation, maxSegments, services, "dev", null);
    }

    private static List<PropertyRef> analogInputs(int count) {
        List<PropertyRef> refs = new ArrayList<>();
        IntStream.range(0, count).forEach(i -> {
            ObjectIdentifier ai = new ObjectIdentifier(ObjectType.analogInput, i);
            refs.add(PropertyRef.of(ai, PropertyIdentifier.presentValue));
            refs.add(PropertyRef.of(ai, PropertyIdentifier.statusFlags));
        });
        return refs;
    }

    private static int encodedRequestSize(List<PropertyRef> batch) {
        ByteQueue queue = new ByteQueue();
        PropertyReader.request(batch).write(queue);
        return queue.size();
    }

    @Test
    void without_segmentation_each_answer_fits_one_apdu_and_every_reference_is_planned_once() {
        BacnetPeer small = peer(206, Segmentation.noSegmentation, -1);
        List<PropertyRef> refs = analogInputs(40);

        List<List<PropertyRef>> batches = RpmPlanner.plan(refs, small);

        assertThat(batches).hasSizeGreaterThan(1);
        assertThat(batches.stream().flatMap(List::stream).toList()).containsExactlyElementsOf(refs);
        for (List<PropertyRef> batch : batches) {
            int answer = batch.stream().mapToInt(r -> RpmPlanner.responseSize(r, small)).sum()
                    + RpmPlanner.OBJECT_OVERHEAD * (int) batch.stream().map(PropertyRef::object).distinct().count();
            assertThat(answer).isLessThanOrEqualTo(small.responseBudget());
        }
    }

    @Test
    void requests_fit_a_device_that_cannot_receive_segments_when_encoded() {
        // It sends answers in segments, so the request is what limits a batch.
        BacnetPeer small = peer(128, Segmentation.segmentedTransmit, 64);
        List<List<PropertyRef>> batches = RpmPlanner.plan(analogInputs(300), small);

        assertThat(batches).hasSizeGreaterThan(1);
        for (List<PropertyRef> batch : batches) {
            assertThat(encodedRequestSize(batch)).isLessThanOrEqualTo(small.requestBudget()).isLessThanOrEqualTo(128 - 4);
        }
    }

    @Test
    void a_device_that_receives_segments_gets_one_request_for_many_properties() {
        assertThat(RpmPlanner.plan(analogInputs(200), peer(480, Segmentation.segmentedBoth, 16))).hasSize(1);
    }

    @Test
    void segmentation_allows_answers_of_several_apdus() {
        BacnetPeer segmented = peer(480, Segmentation.segmentedBoth, 16);
        BacnetPeer plain = peer(480, Segmentation.noSegmentation, -1);
        List<PropertyRef> refs = analogInputs(100);

        assertThat(RpmPlanner.plan(refs, segmented).size()).isLessThan(RpmPlanner.plan(refs, plain).size());
        assertThat(segmented.responseBudget()).isGreaterThan(480);
    }

    @Test
    void properties_of_one_object_stay_together_and_a_learned_limit_caps_the_batch() {
        BacnetPeer peer = peer(1476, Segmentation.segmentedBoth, 64);
        peer.limitReferences(10);

        List<List<PropertyRef>> batches = RpmPlanner.plan(analogInputs(20), peer);

        assertThat(batches).allSatisfy(b -> assertThat(b).hasSizeLessThanOrEqualTo(5));
        assertThat(batches.get(0).get(0).object()).isEqualTo(batches.get(0).get(1).object());
    }

    @Test
    void sizes_learned_from_answers_replace_the_guess() {
        BacnetPeer peer = peer(206, Segmentation.noSegmentation, -1);
        PropertyRef name = PropertyRef.of(new ObjectIdentifier(ObjectType.analogInput, 1), PropertyIdentifier.objectName);
        int guessed = RpmPlanner.responseSize(name, peer);

        peer.learnValueSize(name, 12);

        assertThat(RpmPlanner.responseSize(name, peer)).isLessThan(guessed);
    }
}
