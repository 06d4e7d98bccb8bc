package io.raftkv.client.cli;

import picocli.CommandLine.ITypeConverter;

/** Member ids: decimal (as kvctl prints them) or 0x-prefixed hex; never 0. */
final class MemberIdConverter implements ITypeConverter<Long> {
  @Override
  public Long convert(String text) {
    long id;
    try {
      id = text.startsWith("0x") || text.startsWith("0X")
          ? Long.parseUnsignedLong(text.substring(2), 16)
          : Long.parseUnsignedLong(text);
    } catch (NumberFormatException notNumber) {
      throw new IllegalArgumentException("member id must be a number, got '" + text + "'");
    }
    if (id == 0) {
      throw new IllegalArgumentException("member id must be non-zero");
    }
    return id;
  }
}
