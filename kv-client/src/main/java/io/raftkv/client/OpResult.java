package io.raftkv.client;

/** The result of one operation, alone or inside a transaction; switch over it to get the kind. */
public sealed interface OpResult permits PutResult, GetResult, DeleteResult {
  /** Store revision when the operation was served. */
  long revision();
}
