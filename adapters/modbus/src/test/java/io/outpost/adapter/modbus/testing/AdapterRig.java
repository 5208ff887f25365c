package io.outpost.adapter.modbus.testing;

import io.outpost.adapter.modbus.ModbusAdapterFactory;
import io.outpost.adapter.modbus.ModbusDeviceAdapter;
import io.outpost.core.config.DeviceConfig;
import io.outpost.core.config.PointConfig;
import io.outpost.core.point.Sample;
import io.outpost.core.point.Value;
import io.outpost.core.poll.SharedResources;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/** One real Modbus adapter driven directly by a test: read points, write values, look at counters. */
public final class AdapterRig implements AutoCloseable {

    /** Far longer than any request timeout in the tests: only a hung adapter reaches it. */
    private static final long WAIT_SECONDS = 30;

    public final DeviceConfig device;
    public final RecordingContext context;
    public final ModbusDeviceAdapter adapter;

    public AdapterRig(DeviceConfig device) {
        this(device, new SharedResources());
    }

    public AdapterRig(DeviceConfig device, SharedResources shared) {
        this.device = device;
        this.context = new RecordingContext(device, shared);
        this.adapter = (ModbusDeviceAdapter) new ModbusAdapterFactory().create(device, context);
        adapter.start();
    }

    public PointConfig point(String id) {
        return device.point(id).orElseThrow(() -> new IllegalArgumentException("no point " + id));
    }

    /** Starts a read of the given points (all when none given). */
    public CompletionStage<List<Sample>> readAsync(String... ids) {
        List<PointConfig> points = ids.length == 0 ? device.points() : java.util.Arrays.stream(ids).map(this::point).toList();
        return adapter.read(points);
    }

    /** Reads and waits; the samples by point id. Fails with the read's exception. */
    public Map<String, Sample> read(String... ids) throws Exception {
        return bySample(await(readAsync(ids)));
    }

    public static Map<String, Sample> bySample(List<Sample> samples) {
        Map<String, Sample> out = new LinkedHashMap<>();
        samples.forEach(s -> out.put(s.point().point(), s));
        return out;
    }

    /** The read's failure (a DeviceException), or an AssertionError when it succeeded. */
    public Throwable readFailure(String... ids) throws Exception {
        try {
            List<Sample> samples = await(readAsync(ids));
            throw new AssertionError("expected the read to fail, got " + samples);
        } catch (ExecutionException e) {
            return e.getCause();
        }
    }

    public void write(String id, Value value) throws Exception {
        await(adapter.write(point(id), value));
    }

    public Throwable writeFailure(String id, Value value) throws Exception {
        try {
            await(adapter.write(point(id), value));
            throw new AssertionError("expected the write to fail");
        } catch (ExecutionException e) {
            return e.getCause();
        }
    }

    public static <T> T await(CompletionStage<T> stage) throws ExecutionException, InterruptedException, TimeoutException {
        return stage.toCompletableFuture().get(WAIT_SECONDS, TimeUnit.SECONDS);
    }

    /** Requests the adapter sent so far. */
    public long requestsSent() {
        return adapter.session().sentRequests();
    }

    @Override
    public void close() {
        adapter.close();
        context.close();
    }
}
