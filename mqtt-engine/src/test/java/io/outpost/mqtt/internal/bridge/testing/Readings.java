package io.outpost.mqtt.internal.bridge.testing;

import io.outpost.core.message.JsonPayloadFormat;
import io.outpost.core.message.Message;
import io.outpost.core.message.MessageHeader;
import io.outpost.core.message.MessageProperties;
import io.outpost.core.point.DataType;
import io.outpost.core.point.PointRef;
import io.outpost.core.point.Quality;
import io.outpost.core.point.Sample;
import io.outpost.core.point.Value;


/** Point readings as the core hands them to the engine: typed readings, rendered as JSON when a destination asks. */
public final class Readings {

    private Readings() {
    }

    /** A good reading of {@code site/device/point}. */
    public static Message reading(String site, String device, String point, Value value, DataType type, long ts) {
        return reading(site, device, point, value, type, Quality.GOOD, ts);
    }

    /** A reading as a point of {@code type} reports it (float32 values single precision), rendered as JSON when sent. */
    public static Message reading(String site, String device, String point, Value value, DataType type,
                                  Quality quality, long ts) {
        Value typed = type == DataType.FLOAT32 && value instanceof Value.Real r ? Value.ofFloat32((float) r.value()) : value;
        Sample sample = new Sample(new PointRef(device, point), typed, quality, ts);
        MessageHeader header = new MessageHeader(site + "/" + device + "/" + point, 1, true,
                MessageProperties.JSON, Message.ORIGIN_GATEWAY);
        return Message.reading(header, new JsonPayloadFormat(), sample, System.currentTimeMillis());
    }
}
