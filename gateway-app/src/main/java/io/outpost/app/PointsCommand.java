package io.outpost.app;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import io.outpost.app.ops.OpsConfig;
import io.outpost.core.config.ConfigException;
import io.outpost.core.config.GatewayConfig;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.ConnectException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * A live table of a running gateway's points (value, quality, age), read from its operations endpoint as the
 * configuration file describes it.
 */
@Command(name = "points", description = "Show a running gateway's points live: value, quality and age (Ctrl-C to stop).")
final class PointsCommand implements Callable<Integer> {

    private static final JsonFactory JSON = new JsonFactory();

    @Parameters(paramLabel = "CONFIG", description = "The running gateway's configuration file (for its http: endpoint).")
    Path config;

    @Option(names = {"-f", "--filter"}, description = "Only points whose device, point, topic or unit contains this text.")
    String filter = "";

    @Option(names = "--once", description = "Print the table once and exit.")
    boolean once;

    @Option(names = "--interval", description = "Refresh period (default: ${DEFAULT-VALUE}).", defaultValue = "2s",
            converter = DurationConverter.class)
    Duration interval;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        GatewayConfig loaded;
        try {
            loaded = new ConfigFiles().load(config);
        } catch (ConfigException e) {
            spec.commandLine().getErr().println(e.getMessage());
            return ExitCodes.INVALID;
        }
        OpsConfig http = loaded.section("http", OpsConfig.class)
                .orElseThrow(() -> new IllegalStateException("no http section"));
        if (!http.enabled()) {
            spec.commandLine().getErr().println("the gateway's http endpoint is disabled (http.enabled: false)");
            return ExitCodes.INVALID;
        }
        String host = http.bind().equals("0.0.0.0") || http.bind().equals("::") ? "127.0.0.1" : http.bind();
        URI uri = URI.create((http.tlsCert() == null ? "http" : "https") + "://" + host + ":" + http.port()
                + "/api/points?q=" + URLEncoder.encode(filter, StandardCharsets.UTF_8));
        HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
        PrintWriter out = spec.commandLine().getOut();
        while (true) {
            HttpRequest.Builder request = HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(10));
            if (http.requiresAuth()) {
                String credentials = http.username() + ":" + http.password().reveal();
                request.header("Authorization", "Basic " + Base64.getEncoder()
                        .encodeToString(credentials.getBytes(StandardCharsets.UTF_8)));
            }
            List<Map<String, String>> rows;
            try {
                HttpResponse<String> response = client.send(request.build(), HttpResponse.BodyHandlers.ofString());
                if (response.statusCode() != 200) {
                    spec.commandLine().getErr().println("the gateway answered " + response.statusCode() + " for " + uri);
                    return ExitCodes.FAILURE;
                }
                rows = parse(response.body());
            } catch (ConnectException e) {
                spec.commandLine().getErr().println("no gateway answers at " + uri + ": is it running with " + config + "?");
                return ExitCodes.FAILURE;
            }
            if (!once) {
                out.print("\033[H\033[2J");
            }
            out.print(table(rows));
            out.flush();
            if (once) {
                return ExitCodes.OK;
            }
            Thread.sleep(interval.toMillis());
        }
    }

    static List<Map<String, String>> parse(String json) throws IOException {
        List<Map<String, String>> rows = new ArrayList<>();
        try (JsonParser p = JSON.createParser(json)) {
            if (p.nextToken() != JsonToken.START_ARRAY) {
                throw new IOException("expected a JSON array of points");
            }
            while (p.nextToken() == JsonToken.START_OBJECT) {
                Map<String, String> row = new LinkedHashMap<>();
                while (p.nextToken() == JsonToken.FIELD_NAME) {
                    String name = p.currentName();
                    JsonToken value = p.nextToken();
                    if (value == JsonToken.START_ARRAY || value == JsonToken.START_OBJECT) {
                        p.skipChildren();
                        row.put(name, "[array]");
                    } else {
                        row.put(name, p.getValueAsString(""));
                    }
                }
                rows.add(row);
            }
        }
        return rows;
    }

    static String table(List<Map<String, String>> rows) {
        String[] columns = {"device", "point", "value", "unit", "quality", "reason", "age"};
        List<String[]> cells = new ArrayList<>();
        cells.add(new String[] {"DEVICE", "POINT", "VALUE", "UNIT", "QUALITY", "REASON", "AGE"});
        for (Map<String, String> r : rows) {
            double age = Double.parseDouble(r.getOrDefault("ageSeconds", "0"));
            cells.add(new String[] {r.get("device"), r.get("point"), r.getOrDefault("value", "-"), r.get("unit"),
                    r.get("quality"), r.get("reason"), age < 60 ? String.format("%.0fs", age) : String.format("%.1fm", age / 60)});
        }
        int[] widths = new int[columns.length];
        for (String[] row : cells) {
            for (int i = 0; i < row.length; i++) {
                widths[i] = Math.max(widths[i], row[i] == null ? 0 : row[i].length());
            }
        }
        StringBuilder out = new StringBuilder();
        for (String[] row : cells) {
            for (int i = 0; i < row.length; i++) {
                String cell = row[i] == null ? "" : row[i];
                boolean right = i == 2 || i == 6;
                out.append(right ? " ".repeat(widths[i] - cell.length()) + cell : cell + " ".repeat(widths[i] - cell.length()));
                out.append(i == row.length - 1 ? "\n" : "  ");
            }
        }
        out.append(rows.size()).append(" point(s)\n");
        return out.toString();
    }
}
