package io.raftkv.client;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;

/** Parses and checks {@code host:port} endpoints. Stateless. */
public final class Endpoints {
  /** Node i of a local cluster (bin/ scripts, docker compose) listens for clients on 2i379. */
  public static final String LOCAL_CLUSTER = "127.0.0.1:21379,127.0.0.1:22379,127.0.0.1:23379";

  /** Environment variable kvctl and the bench read when --endpoints is absent. */
  public static final String ENVIRONMENT_VARIABLE = "RAFTKV_ENDPOINTS";

  private Endpoints() {}

  /**
   * Splits a comma-separated list, trims each entry, checks it and drops duplicates (keeping the
   * first), e.g. {@code "127.0.0.1:21379, 127.0.0.1:22379"}.
   *
   * @throws IllegalArgumentException naming the bad entry
   */
  public static List<String> parseList(String commaSeparated) {
    if (commaSeparated == null || commaSeparated.isBlank()) {
      throw new IllegalArgumentException("no endpoints given (expected host:port[,host:port...])");
    }
    LinkedHashSet<String> endpoints = new LinkedHashSet<>();
    for (String part : commaSeparated.split(",", -1)) {
      if (part.isBlank()) {
        continue;
      }
      endpoints.add(check(part.trim()));
    }
    if (endpoints.isEmpty()) {
      throw new IllegalArgumentException("no endpoints given in '" + commaSeparated + "'");
    }
    return List.copyOf(new ArrayList<>(endpoints));
  }

  /**
   * Returns the endpoint if it is {@code host:port} (IPv6 hosts in brackets: {@code [::1]:2379})
   * with a port in 1..65535.
   *
   * @throws IllegalArgumentException saying what is wrong
   */
  public static String check(String endpoint) {
    if (endpoint == null || endpoint.isBlank()) {
      throw new IllegalArgumentException("endpoint is empty (expected host:port)");
    }
    if (endpoint.contains("://")) {
      throw new IllegalArgumentException("endpoint must be host:port without a scheme, got '" + endpoint + "'");
    }
    int colon = endpoint.lastIndexOf(':');
    if (colon <= 0 || colon == endpoint.length() - 1) {
      throw new IllegalArgumentException("endpoint must be host:port, got '" + endpoint + "'");
    }
    String host = endpoint.substring(0, colon);
    if (host.contains(":") && !(host.startsWith("[") && host.endsWith("]"))) {
      throw new IllegalArgumentException("an IPv6 endpoint needs brackets ([::1]:2379), got '" + endpoint + "'");
    }
    int port;
    try {
      port = Integer.parseInt(endpoint.substring(colon + 1));
    } catch (NumberFormatException notNumber) {
      throw new IllegalArgumentException("endpoint port is not a number in '" + endpoint + "'");
    }
    if (port < 1 || port > 65535) {
      throw new IllegalArgumentException("endpoint port must be 1..65535 in '" + endpoint + "'");
    }
    return endpoint;
  }

  /** Whether {@link #check} would accept the endpoint. */
  public static boolean isValid(String endpoint) {
    try {
      check(endpoint);
      return true;
    } catch (IllegalArgumentException invalid) {
      return false;
    }
  }
}
