package io.raftkv.proto;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.grpc.MethodDescriptor;
import io.grpc.MethodDescriptor.MethodType;
import io.grpc.ServiceDescriptor;
import io.raftkv.proto.api.ClusterGrpc;
import io.raftkv.proto.api.KVGrpc;
import io.raftkv.proto.api.MaintenanceGrpc;
import io.raftkv.proto.raft.RaftPeerGrpc;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/** The wire names below are what deployed clients and peers dial: renaming one is a breaking change. */
class ServiceDescriptorsTest {

  @Test
  void raftPeerHasTwoClientStreamingMethods() {
    assertEquals(
        Map.of(
            "raftkv.raft.RaftPeer/Send", MethodType.CLIENT_STREAMING,
            "raftkv.raft.RaftPeer/InstallSnapshot", MethodType.CLIENT_STREAMING),
        methods(RaftPeerGrpc.getServiceDescriptor(), "raftkv.raft.RaftPeer"));
  }

  @Test
  void kvHasRangePutDeleteRangeAndTxnAndAStreamCarryingThem() {
    assertEquals(
        Map.of(
            "raftkv.api.KV/Range", MethodType.UNARY,
            "raftkv.api.KV/Put", MethodType.UNARY,
            "raftkv.api.KV/DeleteRange", MethodType.UNARY,
            "raftkv.api.KV/Txn", MethodType.UNARY,
            "raftkv.api.KV/Stream", MethodType.BIDI_STREAMING),
        methods(KVGrpc.getServiceDescriptor(), "raftkv.api.KV"));
  }

  @Test
  void clusterHasTheFourMembershipMethods() {
    assertEquals(
        Map.of(
            "raftkv.api.Cluster/MemberList", MethodType.UNARY,
            "raftkv.api.Cluster/MemberAdd", MethodType.UNARY,
            "raftkv.api.Cluster/MemberPromote", MethodType.UNARY,
            "raftkv.api.Cluster/MemberRemove", MethodType.UNARY),
        methods(ClusterGrpc.getServiceDescriptor(), "raftkv.api.Cluster"));
  }

  @Test
  void maintenanceHasStatusAndTransferLeader() {
    assertEquals(
        Map.of(
            "raftkv.api.Maintenance/Status", MethodType.UNARY,
            "raftkv.api.Maintenance/TransferLeader", MethodType.UNARY),
        methods(MaintenanceGrpc.getServiceDescriptor(), "raftkv.api.Maintenance"));
  }

  private static Map<String, MethodType> methods(ServiceDescriptor service, String expectedName) {
    assertEquals(expectedName, service.getName());
    Map<String, MethodType> methods = new TreeMap<>();
    for (MethodDescriptor<?, ?> method : service.getMethods()) {
      methods.put(method.getFullMethodName(), method.getType());
    }
    return methods;
  }
}
