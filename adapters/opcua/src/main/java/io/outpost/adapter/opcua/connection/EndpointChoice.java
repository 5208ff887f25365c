package io.outpost.adapter.opcua.connection;

import io.outpost.adapter.opcua.config.OpcUaDeviceSettings;
import io.outpost.adapter.opcua.config.SecurityModeName;
import io.outpost.adapter.opcua.config.SecurityPolicyName;
import io.outpost.adapter.opcua.config.UserAuth;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.stream.Collectors;
import org.eclipse.milo.opcua.stack.core.Stack;
import org.eclipse.milo.opcua.stack.core.types.enumerated.UserTokenType;
import org.eclipse.milo.opcua.stack.core.types.structured.EndpointDescription;
import org.eclipse.milo.opcua.stack.core.types.structured.UserTokenPolicy;
import org.eclipse.milo.opcua.stack.core.util.EndpointUtil;

/**
 * Picks, from the endpoints a server announces, the one with the configured security policy and mode over
 * opc.tcp that accepts the configured user identity, and points it at the configured host and port (servers often
 * announce a host name the gateway cannot resolve). Stateless.
 */
final class EndpointChoice {

    private EndpointChoice() {
    }

    static EndpointDescription select(List<EndpointDescription> offered, OpcUaDeviceSettings settings)
            throws NoMatchingEndpointException {
        String policyUri = settings.securityPolicy().policy().getUri();
        UserTokenType token = tokenType(settings.auth());
        List<EndpointDescription> secured = offered.stream()
                .filter(e -> policyUri.equals(e.getSecurityPolicyUri()))
                .filter(e -> e.getSecurityMode() == settings.securityMode().mode())
                .filter(e -> e.getTransportProfileUri() == null || e.getTransportProfileUri().isEmpty()
                        || Stack.TCP_UASC_UABINARY_TRANSPORT_URI.equals(e.getTransportProfileUri()))
                .toList();
        if (secured.isEmpty()) {
            throw new NoMatchingEndpointException("the server offers no endpoint with security-policy "
                    + settings.securityPolicy().configName() + " and security-mode " + settings.securityMode().configName()
                    + "; it offers: " + describe(offered));
        }
        EndpointDescription chosen = secured.stream().filter(e -> accepts(e, token)).findFirst()
                .orElseThrow(() -> new NoMatchingEndpointException("the server's " + settings.securityPolicy().configName()
                        + "/" + settings.securityMode().configName() + " endpoint does not accept "
                        + settings.auth().describe() + " logins (" + token + "); it accepts: "
                        + Arrays.stream(tokens(secured.get(0))).map(p -> p.getTokenType().toString())
                                .distinct().collect(Collectors.joining(", "))));
        String host = EndpointUtil.getHost(settings.endpoint());
        int port = EndpointUtil.getPort(settings.endpoint());
        return EndpointUtil.updateUrl(chosen, host, port);
    }

    static UserTokenType tokenType(UserAuth auth) {
        if (auth instanceof UserAuth.Username) {
            return UserTokenType.UserName;
        }
        if (auth instanceof UserAuth.Certificate) {
            return UserTokenType.Certificate;
        }
        return UserTokenType.Anonymous;
    }

    private static boolean accepts(EndpointDescription e, UserTokenType token) {
        return Arrays.stream(tokens(e)).anyMatch(p -> p.getTokenType() == token);
    }

    private static UserTokenPolicy[] tokens(EndpointDescription e) {
        return Objects.requireNonNullElse(e.getUserIdentityTokens(), new UserTokenPolicy[0]);
    }

    private static String describe(List<EndpointDescription> offered) {
        return offered.stream().map(e -> policyName(e.getSecurityPolicyUri()) + "/" + modeName(e))
                .distinct().collect(Collectors.joining(", "));
    }

    private static String policyName(String uri) {
        for (SecurityPolicyName p : SecurityPolicyName.values()) {
            if (p.policy().getUri().equals(uri)) {
                return p.configName();
            }
        }
        return uri.substring(uri.lastIndexOf('#') + 1);
    }

    private static String modeName(EndpointDescription e) {
        for (SecurityModeName m : SecurityModeName.values()) {
            if (m.mode() == e.getSecurityMode()) {
                return m.configName();
            }
        }
        return String.valueOf(e.getSecurityMode());
    }
}
