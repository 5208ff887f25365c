package io.outpost.bench.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

/** Reads the gateway's operations endpoint on loopback: Prometheus counters and the upstreams' queues. */
public final class OpsClient {

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final int port;

    public OpsClient(int port) {
        this.port = port;
    }

    private String get(String path) throws IOException, InterruptedException {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() != 200) {
            throw new IOException(path + " answered " + r.statusCode());
        }
        return r.body();
    }

    /** Every Prometheus sample summed by metric name (all tags added up). */
    public Map<String, Double> metrics() throws IOException, InterruptedException {
        Map<String, Double> sums = new HashMap<>();
        for (String l : get("/metrics").split("\n")) {
            if (l.startsWith("#") || l.isBlank()) {
                continue;
            }
            int brace = l.indexOf('{');
            int space = l.lastIndexOf(' ');
            String name = l.substring(0, brace > 0 ? brace : l.indexOf(' '));
            try {
                sums.merge(name, Double.parseDouble(l.substring(space + 1)), Double::sum);
            } catch (NumberFormatException e) {
                // NaN and +Inf gauges (autonomy with no inflow) are not counters: skip them.
                continue;
            }
        }
        return sums;
    }

    /** Messages queued (in flight included) for every upstream together. */
    public long queuedMessages() throws IOException, InterruptedException {
        long n = 0;
        for (JsonNode u : new ObjectMapper().readTree(get("/api/upstreams"))) {
            n += u.path("queuedMessages").asLong();
        }
        return n;
    }
}
