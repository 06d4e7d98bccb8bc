package io.raftkv.server.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.google.protobuf.ByteString;
import io.raftkv.proto.api.PutRequest;
import io.raftkv.proto.api.RangeRequest;
import io.raftkv.proto.api.RangeResponse;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ClusterSmokeTest {
    @TempDir
    Path dir;

    @Test
    void threeNodesElectALeaderAndServeAWriteFromEveryNode() throws Exception {
        try (InProcessCluster cluster = new InProcessCluster(dir, 3)) {
            long leader = cluster.awaitLeader(Duration.ofSeconds(10));
            cluster.kv(leader).put(PutRequest.newBuilder().setKey(ByteString.copyFromUtf8("k"))
                    .setValue(ByteString.copyFromUtf8("v")).build());
            for (long id = 1; id <= 3; id++) {
                RangeResponse response = cluster.kv(id).range(RangeRequest.newBuilder().setKey(ByteString.copyFromUtf8("k")).build());
                assertEquals("v", response.getKvs(0).getValue().toStringUtf8(), "node " + id);
            }
        }
    }
}
