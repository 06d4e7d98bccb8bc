package io.raftkv.client;

/**
 * Every client test of {@link RaftKvClientTest} again with {@code streaming(false)}: each KV
 * request a unary call, as the client sends them when streams are turned off.
 */
class RaftKvClientUnaryTest extends RaftKvClientTest {
  @Override
  boolean streaming() {
    return false;
  }
}
