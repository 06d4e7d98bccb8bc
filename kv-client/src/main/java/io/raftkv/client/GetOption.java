package io.raftkv.client;

/**
 * How to read: {@code GetOption.DEFAULT.withLimit(10).withSerializable(true)}.
 *
 * @param limit maximum keys returned; 0 means no limit (the server still caps the response)
 * @param keysOnly omit values
 * @param countOnly return only the count
 * @param serializable serve from the contacted member's local state: faster, possibly stale; the
 *     default is a linearizable read (ReadIndex)
 * @param revision read as of this revision; 0 means the latest
 */
public record GetOption(long limit, boolean keysOnly, boolean countOnly, boolean serializable, long revision) {
  public static final GetOption DEFAULT = new GetOption(0, false, false, false, 0);

  public GetOption {
    if (limit < 0) {
      throw new IllegalArgumentException("limit must be >= 0, got " + limit);
    }
    if (revision < 0) {
      throw new IllegalArgumentException("revision must be >= 0, got " + revision);
    }
  }

  public GetOption withLimit(long newLimit) {
    return new GetOption(newLimit, keysOnly, countOnly, serializable, revision);
  }

  public GetOption withKeysOnly(boolean newKeysOnly) {
    return new GetOption(limit, newKeysOnly, countOnly, serializable, revision);
  }

  public GetOption withCountOnly(boolean newCountOnly) {
    return new GetOption(limit, keysOnly, newCountOnly, serializable, revision);
  }

  public GetOption withSerializable(boolean newSerializable) {
    return new GetOption(limit, keysOnly, countOnly, newSerializable, revision);
  }

  public GetOption withRevision(long newRevision) {
    return new GetOption(limit, keysOnly, countOnly, serializable, newRevision);
  }
}
