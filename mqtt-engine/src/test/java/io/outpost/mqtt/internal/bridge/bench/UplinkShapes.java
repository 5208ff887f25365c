package io.outpost.mqtt.internal.bridge.bench;

import io.outpost.core.message.Message;
import io.outpost.core.point.DataType;
import io.outpost.core.point.Value;
import io.outpost.mqtt.internal.bridge.testing.Readings;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;

/**
 * The data shapes of the uplink benchmark: 1,000 points (10 devices of 100), one reading per point per second, as the
 * core publishes them. Seeded: the same shape and seed give the same readings.
 */
public enum UplinkShapes {
    /** float32 random walk, Gaussian step of 0.2 % of the value, full float32 precision (the issue 9 workload). */
    RANDOM_WALK("float32 random walk (0.2 % steps, full precision)", DataType.FLOAT32),
    /** A process value measured with 2 decimals: slow drift plus sensor noise (sigma 0.05), quantised to 0.01. */
    SENSOR("float32 sensor, 2 decimals, noise sigma 0.05 around a slow drift", DataType.FLOAT32),
    /** Energy and pulse counters: int64, 0 to 10 more every second. */
    COUNTER("int64 counters, +0..10 per second", DataType.INT64),
    /** Switches and alarms: a boolean that flips with probability 1 % per second. */
    BOOLEAN("booleans, 1 % flip per second", DataType.BOOL),
    /** Set points and states: a float64 with 1 decimal, changed with probability 2 % per second. */
    MOSTLY_CONSTANT("float64 set points, 1 decimal, 2 % change per second", DataType.FLOAT64);

    public static final int DEVICES = 10;
    public static final int POINTS = 100;
    private static final String[] KINDS = {"temperature", "pressure", "flow", "level", "current", "voltage", "speed", "vibration"};

    private final String description;
    private final DataType type;

    UplinkShapes(String description, DataType type) {
        this.description = description;
        this.type = type;
    }

    public String description() {
        return description;
    }

    public DataType type() {
        return type;
    }

    public String typeName() {
        return type.name().toLowerCase(Locale.ROOT);
    }

    public Workload workload(long seed) {
        return new Workload(this, seed);
    }

    public static String device(int i) {
        return String.format("rtu-%02d", i / POINTS + 1);
    }

    public static String point(int i) {
        int p = i % POINTS;
        return KINDS[p % KINDS.length] + "-" + (p / KINDS.length + 1);
    }

    /** The points' state; {@link #round} moves every point one second on. Not thread-safe. */
    public static final class Workload {
        private final UplinkShapes shape;
        private final double[] value = new double[DEVICES * POINTS];
        private final double[] step = new double[DEVICES * POINTS];
        private final long[] count = new long[DEVICES * POINTS];
        private final boolean[] state = new boolean[DEVICES * POINTS];
        private final SplittableRandom random;

        Workload(UplinkShapes shape, long seed) {
            this.shape = shape;
            random = new SplittableRandom(seed);
            for (int i = 0; i < value.length; i++) {
                value[i] = 10 + random.nextDouble() * 490;
                step[i] = value[i] * 0.002;
            }
            // Only the shapes that need more start values draw them: the random walk stays that of issue 9's runs.
            for (int i = 0; i < value.length && (shape == COUNTER || shape == BOOLEAN); i++) {
                count[i] = random.nextLong(1L << 40);
                state[i] = random.nextBoolean();
            }
            if (shape == MOSTLY_CONSTANT) {
                for (int i = 0; i < value.length; i++) {
                    value[i] = Math.round(value[i] * 10) / 10.0;
                }
            }
        }

        /** One second of the process: the readings of every point at {@code ts}. */
        public List<Message> round(long ts) {
            List<Message> out = new ArrayList<>(value.length);
            for (int i = 0; i < value.length; i++) {
                Value v = switch (shape) {
                    case RANDOM_WALK -> {
                        value[i] += step[i] * gaussian();
                        yield Value.of(Double.parseDouble(Float.toString((float) value[i])));
                    }
                    case SENSOR -> {
                        value[i] += 0.001 * gaussian();
                        double measured = Math.round((value[i] + 0.05 * gaussian()) * 100) / 100.0;
                        yield Value.of(measured);
                    }
                    case COUNTER -> {
                        count[i] += random.nextInt(11);
                        yield Value.of(count[i]);
                    }
                    case BOOLEAN -> {
                        if (random.nextInt(100) == 0) {
                            state[i] = !state[i];
                        }
                        yield Value.of(state[i]);
                    }
                    case MOSTLY_CONSTANT -> {
                        if (random.nextInt(50) == 0) {
                            value[i] = Math.round((10 + random.nextDouble() * 490) * 10) / 10.0;
                        }
                        yield Value.of(value[i]);
                    }
                };
                out.add(Readings.reading("north-field", device(i), point(i), v, shape.type, ts));
            }
            return out;
        }

        private double gaussian() {
            double u = 1 - random.nextDouble();
            double v = random.nextDouble();
            return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
        }
    }
}
