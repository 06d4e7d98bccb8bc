package io.raftkv.client;

import io.grpc.Status;
import io.raftkv.proto.api.KVGrpc;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;

/**
 * Asynchronous key-value operations; {@link #sync()} gives the blocking form. Strings are
 * encoded as UTF-8. Every future completes by the request deadline, exceptionally with a
 * {@link RaftKvException} subtype. Thread-safe.
 */
public final class KV {
  private final ClientCore core;
  private final SyncKV sync;

  KV(ClientCore core) {
    this.core = core;
    this.sync = new SyncKV(this);
  }

  /** The same operations, blocking until they complete. */
  public SyncKV sync() {
    return sync;
  }

  // ---- put ----

  public CompletableFuture<PutResult> put(byte[] key, byte[] value, PutOption option) {
    Objects.requireNonNull(key, "key");
    Objects.requireNonNull(value, "value");
    Objects.requireNonNull(option, "option");
    if (key.length == 0) {
      return CompletableFuture.failedFuture(emptyKey());
    }
    var request = ProtoCodec.putRequest(key, value, option);
    // The request id comes with the write's session slot and is set once: every retry re-sends it.
    return core.write(KVGrpc.getPutMethod(), id -> request.setRequestId(id).build()).thenApply(ProtoCodec::putResult);
  }

  public CompletableFuture<PutResult> put(byte[] key, byte[] value) {
    return put(key, value, PutOption.DEFAULT);
  }

  public CompletableFuture<PutResult> put(String key, String value) {
    return put(Bytes.utf8(key), Bytes.utf8(value), PutOption.DEFAULT);
  }

  public CompletableFuture<PutResult> put(String key, String value, PutOption option) {
    return put(Bytes.utf8(key), Bytes.utf8(value), option);
  }

  // ---- get ----

  /** Reads a key or range; linearizable unless the option asks for a serializable read. */
  public CompletableFuture<GetResult> get(KeyRange range, GetOption option) {
    Objects.requireNonNull(range, "range");
    Objects.requireNonNull(option, "option");
    if (range.isSingleKey() && range.keyUnsafe().length == 0) {
      return CompletableFuture.failedFuture(emptyKey());
    }
    var request = ProtoCodec.rangeRequest(range, option);
    return core.call(KVGrpc.getRangeMethod(), request, Idempotence.SAFE_TO_RETRY).thenApply(ProtoCodec::getResult);
  }

  public CompletableFuture<GetResult> get(byte[] key) {
    return get(KeyRange.key(key), GetOption.DEFAULT);
  }

  public CompletableFuture<GetResult> get(String key) {
    return get(KeyRange.key(key), GetOption.DEFAULT);
  }

  public CompletableFuture<GetResult> get(String key, GetOption option) {
    return get(KeyRange.key(key), option);
  }

  /** Keys in {@code [from, to)}. */
  public CompletableFuture<GetResult> getRange(byte[] from, byte[] to, GetOption option) {
    return get(KeyRange.between(from, to), option);
  }

  public CompletableFuture<GetResult> getRange(String from, String to) {
    return get(KeyRange.between(from, to), GetOption.DEFAULT);
  }

  public CompletableFuture<GetResult> getRange(String from, String to, GetOption option) {
    return get(KeyRange.between(from, to), option);
  }

  /** Keys starting with {@code prefix}; the empty prefix reads every key. */
  public CompletableFuture<GetResult> getPrefix(byte[] prefix, GetOption option) {
    return get(KeyRange.prefix(prefix), option);
  }

  public CompletableFuture<GetResult> getPrefix(String prefix) {
    return get(KeyRange.prefix(prefix), GetOption.DEFAULT);
  }

  public CompletableFuture<GetResult> getPrefix(String prefix, GetOption option) {
    return get(KeyRange.prefix(prefix), option);
  }

  // ---- delete ----

  public CompletableFuture<DeleteResult> delete(KeyRange range, DeleteOption option) {
    Objects.requireNonNull(range, "range");
    Objects.requireNonNull(option, "option");
    if (range.isSingleKey() && range.keyUnsafe().length == 0) {
      return CompletableFuture.failedFuture(emptyKey());
    }
    var request = ProtoCodec.deleteRequest(range, option);
    return core.write(KVGrpc.getDeleteRangeMethod(), id -> request.setRequestId(id).build())
        .thenApply(ProtoCodec::deleteResult);
  }

  public CompletableFuture<DeleteResult> delete(byte[] key) {
    return delete(KeyRange.key(key), DeleteOption.DEFAULT);
  }

  public CompletableFuture<DeleteResult> delete(String key) {
    return delete(KeyRange.key(key), DeleteOption.DEFAULT);
  }

  public CompletableFuture<DeleteResult> deleteRange(String from, String to) {
    return delete(KeyRange.between(from, to), DeleteOption.DEFAULT);
  }

  public CompletableFuture<DeleteResult> deletePrefix(String prefix) {
    return delete(KeyRange.prefix(prefix), DeleteOption.DEFAULT);
  }

  // ---- txn ----

  /** Starts a transaction; {@code commit()} returns a future. */
  public Txn<CompletableFuture<TxnResult>> txn() {
    return new Txn<>(this::commit);
  }

  /** Runs a transaction built elsewhere. */
  public CompletableFuture<TxnResult> commit(TxnSpec spec) {
    Objects.requireNonNull(spec, "spec");
    var request = ProtoCodec.txnRequest(spec);
    return core.write(KVGrpc.getTxnMethod(), id -> request.setRequestId(id).build()).thenApply(ProtoCodec::txnResult);
  }

  private static EmptyKeyException emptyKey() {
    return new EmptyKeyException(Status.Code.INVALID_ARGUMENT, ErrorCode.KEY_EMPTY, "key is empty", null);
  }
}
