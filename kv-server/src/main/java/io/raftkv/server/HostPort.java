package io.raftkv.server;

import java.net.InetSocketAddress;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * A network address as the user wrote it: a host name or IP literal and a port. Immutable.
 *
 * <p>The host is kept unresolved: a peer's name may not resolve yet when the node starts (a
 * container that is still coming up), and it should be resolved again on every reconnect.
 * IPv6 literals are written in brackets, {@code [::1]:2380}, as in URLs.
 *
 * @param host a host name, an IPv4 literal or an IPv6 literal without brackets
 * @param port 0 to 65535; 0 (any free port) only makes sense for a listen address
 */
public record HostPort(String host, int port) {

    /** Letters, digits, dots, hyphens and underscores: host names and IPv4 literals. */
    private static final Pattern HOST_NAME = Pattern.compile("[A-Za-z0-9_]([A-Za-z0-9_.-]{0,252}[A-Za-z0-9_])?");
    /** Hex digits, colons, dots (an embedded IPv4 tail) and a zone after '%'. */
    private static final Pattern IPV6 = Pattern.compile("[0-9A-Fa-f:.]{2,45}(%[A-Za-z0-9_.-]{1,32})?");

    public HostPort {
        if (host == null || !(HOST_NAME.matcher(host).matches() || isIpv6(host))) {
            throw new IllegalArgumentException("host '" + host + "' is not a host name or IP address");
        }
        if (port < 0 || port > 65_535) {
            throw new IllegalArgumentException("port " + port + " is not in 0..65535");
        }
    }

    /**
     * Parses {@code host:port} or {@code [ipv6]:port}.
     *
     * @throws IllegalArgumentException saying what is wrong with {@code text}
     */
    public static HostPort parse(String text) {
        String host;
        String port;
        if (text.startsWith("[")) {
            int close = text.indexOf(']');
            if (close < 0 || close + 1 >= text.length() || text.charAt(close + 1) != ':') {
                throw new IllegalArgumentException("'" + text + "' is not [ipv6]:port");
            }
            host = text.substring(1, close);
            port = text.substring(close + 2);
            if (!isIpv6(host)) {
                throw new IllegalArgumentException("'" + host + "' in '" + text + "' is not an IPv6 address");
            }
        } else {
            int colon = text.lastIndexOf(':');
            if (colon <= 0 || colon != text.indexOf(':')) {
                throw new IllegalArgumentException("'" + text + "' is not host:port (IPv6 goes in brackets: [::1]:2380)");
            }
            host = text.substring(0, colon);
            port = text.substring(colon + 1);
        }
        if (!port.matches("[0-9]{1,5}")) {
            throw new IllegalArgumentException("port '" + port + "' in '" + text + "' is not a number");
        }
        return new HostPort(host, Integer.parseInt(port));
    }

    /** True for 0.0.0.0 and ::, which mean "every interface" and cannot be dialled. */
    public boolean isWildcard() {
        return host.equals("0.0.0.0") || host.equals("::") || host.equals("0:0:0:0:0:0:0:0");
    }

    /**
     * Resolves the host now; for binding a listener. Peers are dialled by name instead (gRPC takes
     * {@link #toString()} as its target and resolves on each reconnect).
     *
     * @throws IllegalArgumentException if the host does not resolve
     */
    public InetSocketAddress resolve() {
        InetSocketAddress address = new InetSocketAddress(host, port);
        if (address.isUnresolved()) {
            throw new IllegalArgumentException("host '" + host + "' in " + this + " does not resolve");
        }
        return address;
    }

    /** {@code host:port}, with IPv6 hosts in brackets; {@link #parse} reads it back. */
    @Override
    public String toString() {
        return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + port;
    }

    private static boolean isIpv6(String host) {
        return host.indexOf(':') >= 0 && IPV6.matcher(host.toLowerCase(Locale.ROOT)).matches();
    }
}
