package io.raftkv.client;

/**
 * The blocking form of {@link KV}: each method waits for the result (at most the request timeout)
 * and throws the {@link RaftKvException} subtype on failure. Do not call it from a stage running
 * on the client's callback threads. Thread-safe.
 */
public final class SyncKV {
  private final KV kv;

  SyncKV(KV kv) {
    this.kv = kv;
  }

  public PutResult put(byte[] key, byte[] value, PutOption option) {
    return Futures.join(kv.put(key, value, option));
  }

  public PutResult put(byte[] key, byte[] value) {
    return Futures.join(kv.put(key, value));
  }

  public PutResult put(String key, String value) {
    return Futures.join(kv.put(key, value));
  }

  public PutResult put(String key, String value, PutOption option) {
    return Futures.join(kv.put(key, value, option));
  }

  public GetResult get(KeyRange range, GetOption option) {
    return Futures.join(kv.get(range, option));
  }

  public GetResult get(byte[] key) {
    return Futures.join(kv.get(key));
  }

  public GetResult get(String key) {
    return Futures.join(kv.get(key));
  }

  public GetResult get(String key, GetOption option) {
    return Futures.join(kv.get(key, option));
  }

  public GetResult getRange(byte[] from, byte[] to, GetOption option) {
    return Futures.join(kv.getRange(from, to, option));
  }

  public GetResult getRange(String from, String to) {
    return Futures.join(kv.getRange(from, to));
  }

  public GetResult getRange(String from, String to, GetOption option) {
    return Futures.join(kv.getRange(from, to, option));
  }

  public GetResult getPrefix(byte[] prefix, GetOption option) {
    return Futures.join(kv.getPrefix(prefix, option));
  }

  public GetResult getPrefix(String prefix) {
    return Futures.join(kv.getPrefix(prefix));
  }

  public GetResult getPrefix(String prefix, GetOption option) {
    return Futures.join(kv.getPrefix(prefix, option));
  }

  public DeleteResult delete(KeyRange range, DeleteOption option) {
    return Futures.join(kv.delete(range, option));
  }

  public DeleteResult delete(byte[] key) {
    return Futures.join(kv.delete(key));
  }

  public DeleteResult delete(String key) {
    return Futures.join(kv.delete(key));
  }

  public DeleteResult deleteRange(String from, String to) {
    return Futures.join(kv.deleteRange(from, to));
  }

  public DeleteResult deletePrefix(String prefix) {
    return Futures.join(kv.deletePrefix(prefix));
  }

  /** Starts a transaction; {@code commit()} blocks and returns the result. */
  public Txn<TxnResult> txn() {
    return new Txn<>(this::commit);
  }

  public TxnResult commit(TxnSpec spec) {
    return Futures.join(kv.commit(spec));
  }
}
