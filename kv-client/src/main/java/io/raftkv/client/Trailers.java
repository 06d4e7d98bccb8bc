package io.raftkv.client;

import io.grpc.Metadata;
import io.grpc.protobuf.ProtoUtils;
import io.raftkv.proto.api.NotLeader;

/**
 * The two trailers a raftkv server attaches to failed calls. Public because the bench and the
 * test fake read and write them; the server defines the same keys.
 */
public final class Trailers {
  /** ASCII error code, one of {@link ErrorCode}; on every error the server returns. */
  public static final Metadata.Key<String> ERROR_CODE =
      Metadata.Key.of("raftkv-error", Metadata.ASCII_STRING_MARSHALLER);

  /** The leader as a follower knows it; on NOT_LEADER and (leader id 0) on NO_LEADER. */
  public static final Metadata.Key<NotLeader> NOT_LEADER =
      Metadata.Key.of("raftkv-not-leader-bin", ProtoUtils.metadataMarshaller(NotLeader.getDefaultInstance()));

  private Trailers() {}
}
