package io.raftkv.client.cli;

import io.raftkv.client.KeyRange;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;

/** Turns get/del's KEY [RANGE_END] --prefix --from-key into a {@link KeyRange}, as etcdctl does. */
final class KeyRanges {
  private KeyRanges() {}

  static KeyRange of(CommandSpec spec, String key, String rangeEnd, boolean prefix, boolean fromKey) {
    int ways = (prefix ? 1 : 0) + (fromKey ? 1 : 0) + (rangeEnd != null ? 1 : 0);
    if (ways > 1) {
      throw new CommandLine.ParameterException(spec.commandLine(), "--prefix, --from-key and RANGE_END exclude each other");
    }
    if (prefix) {
      return KeyRange.prefix(key);
    }
    if (fromKey) {
      return KeyRange.fromKey(key);
    }
    if (rangeEnd != null) {
      if (rangeEnd.isEmpty()) {
        throw new CommandLine.ParameterException(spec.commandLine(), "RANGE_END is empty");
      }
      return KeyRange.between(key, rangeEnd);
    }
    return KeyRange.key(key);
  }
}
