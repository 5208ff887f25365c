package io.outpost.mqtt.bridge.testing;

import io.outpost.core.message.PointReading;
import io.outpost.core.point.DataType;
import io.outpost.core.point.PointRef;
import io.outpost.core.point.Quality;
import io.outpost.core.point.Sample;
import io.outpost.core.point.Value;
import io.outpost.mqtt.api.EngineMessage;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;

/** Point readings as the core hands them to the engine: the JSON payload and the typed reading with it. */
public final class Readings {

    private Readings() {
    }

    /** A good reading of {@code site/device/point}. */
    public static EngineMessage reading(String site, String device, String point, Value value, DataType type, long ts) {
        return reading(site, device, point, value, type, Quality.GOOD, ts);
    }

    public static EngineMessage reading(String site, String device, String point, Value value, DataType type,
                                        Quality quality, long ts) {
        Sample sample = new Sample(new PointRef(device, point), value, quality, Instant.ofEpochMilli(ts));
        String json = "{" + (value == null ? "" : "\"value\":" + (value instanceof Value.Text t ? "\"" + t.value() + "\"" : value) + ",")
                + "\"quality\":\"" + quality.status().wireName() + "\",\"ts\":" + ts + "}";
        return new EngineMessage(site + "/" + device + "/" + point, json.getBytes(StandardCharsets.UTF_8), 1, true,
                List.of(), null, "application/json", null, null, true, EngineMessage.ORIGIN_GATEWAY,
                System.currentTimeMillis(), 1, new PointReading(sample, type));
    }
}
