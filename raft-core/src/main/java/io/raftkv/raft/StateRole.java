package io.raftkv.raft;

/** The role a node plays; a learner plays FOLLOWER but never campaigns. */
public enum StateRole { FOLLOWER, PRE_CANDIDATE, CANDIDATE, LEADER }
