package dev.axon.common.conversation;

/** The conversation's message count after a commit, and whether the commit created it. */
public record CommitResult(int messageCount, boolean created) {
}
