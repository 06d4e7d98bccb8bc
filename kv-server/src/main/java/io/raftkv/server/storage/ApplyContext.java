package io.raftkv.server.storage;

/**
 * The working position during one apply call: starts from the published {@link AppliedState},
 * advances entry by entry, and is published only once the batch is written. Not thread-safe;
 * owned by the apply thread for one call.
 */
final class ApplyContext {
    final ApplyBatch batch;
    long appliedIndex;
    long appliedTerm;
    long revision;
    Membership membership;

    ApplyContext(ApplyBatch batch, AppliedState from) {
        this.batch = batch;
        this.appliedIndex = from.index();
        this.appliedTerm = from.term();
        this.revision = from.revision();
        this.membership = from.membership();
    }

    AppliedState toState() {
        return new AppliedState(appliedIndex, appliedTerm, revision, membership);
    }
}
