package io.raftkv.raft;

/** What an entry's data holds: a state-machine command, or a {@code ConfChange} the core itself applies. */
public enum EntryType { NORMAL, CONF_CHANGE }
