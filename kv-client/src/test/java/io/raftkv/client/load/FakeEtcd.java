package io.raftkv.client.load;

import com.google.protobuf.ByteString;
import io.grpc.Server;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.inprocess.InProcessServerBuilder;
import io.grpc.stub.StreamObserver;
import io.raftkv.client.ChannelFactory;
import io.raftkv.proto.etcd.KVGrpc;
import io.raftkv.proto.etcd.KeyValue;
import io.raftkv.proto.etcd.PutRequest;
import io.raftkv.proto.etcd.PutResponse;
import io.raftkv.proto.etcd.RangeRequest;
import io.raftkv.proto.etcd.RangeResponse;
import io.raftkv.proto.etcd.ResponseHeader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/**
 * An in-process stand-in for one etcd member's KV service, as declared in etcd_kv.proto: a put
 * stores the value, a range answers its one key, and every call is counted by what it asked for.
 * No replication, no revisions beyond a counter. Thread-safe.
 */
final class FakeEtcd implements AutoCloseable {
  private static final AtomicInteger SERVERS = new AtomicInteger();

  private final String endpoint;
  private final Server server;
  private final Map<ByteString, ByteString> store = new ConcurrentHashMap<>();
  private final AtomicLong revision = new AtomicLong(1);
  private final LongAdder puts = new LongAdder();
  private final LongAdder putsWithUnknownFields = new LongAdder();
  private final LongAdder serializableRanges = new LongAdder();
  private final LongAdder linearizableRanges = new LongAdder();

  private FakeEtcd(String endpoint) {
    this.endpoint = endpoint;
    try {
      this.server = InProcessServerBuilder.forName(endpoint).directExecutor().addService(new Service()).build().start();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start the in-process server " + endpoint, e);
    }
  }

  /** A member under a name that passes the client's host:port check. */
  static FakeEtcd start() {
    return new FakeEtcd("fake-etcd" + SERVERS.incrementAndGet() + ":32379");
  }

  /** Channels to in-process servers, by endpoint name. */
  static ChannelFactory channelFactory() {
    return endpoint -> InProcessChannelBuilder.forName(endpoint);
  }

  String endpoint() {
    return endpoint;
  }

  long puts() {
    return puts.sum();
  }

  /** Puts carrying fields etcd's PutRequest does not declare (a raftkv request id would be one). */
  long putsWithUnknownFields() {
    return putsWithUnknownFields.sum();
  }

  long serializableRanges() {
    return serializableRanges.sum();
  }

  long linearizableRanges() {
    return linearizableRanges.sum();
  }

  @Override
  public void close() throws InterruptedException {
    server.shutdownNow();
    server.awaitTermination(5, TimeUnit.SECONDS);
  }

  private ResponseHeader header() {
    return ResponseHeader.newBuilder().setClusterId(1).setMemberId(1).setRevision(revision.get()).setRaftTerm(2).build();
  }

  private final class Service extends KVGrpc.KVImplBase {
    @Override
    public void put(PutRequest request, StreamObserver<PutResponse> responses) {
      puts.increment();
      if (!request.getUnknownFields().asMap().isEmpty()) {
        putsWithUnknownFields.increment();
      }
      store.put(request.getKey(), request.getValue());
      revision.incrementAndGet();
      responses.onNext(PutResponse.newBuilder().setHeader(header()).build());
      responses.onCompleted();
    }

    @Override
    public void range(RangeRequest request, StreamObserver<RangeResponse> responses) {
      (request.getSerializable() ? serializableRanges : linearizableRanges).increment();
      RangeResponse.Builder response = RangeResponse.newBuilder().setHeader(header());
      ByteString value = store.get(request.getKey());
      if (value != null) {
        response.addKvs(KeyValue.newBuilder().setKey(request.getKey()).setValue(value).setVersion(1)).setCount(1);
      }
      responses.onNext(response.build());
      responses.onCompleted();
    }
  }
}
