/**
 * The {@code claude-code} provider: pooled sessions that are real, long-lived {@code claude} CLI processes speaking
 * stream-json. {@link dev.axon.pool.provider.claudecode.ClaudeCodeProvider} opens sessions;
 * {@code ClaudeLauncher} builds the command line, environment and private directories; {@code ClaudeProcess} does
 * the process I/O; {@code StreamJson} is the line protocol; {@code ConversationFormatter} writes a conversation as
 * one turn; {@code TurnOutput} enforces the parameters the CLI cannot pass upstream; {@code ClaudeCodeSession}
 * ties them together.
 *
 * <p>Threading: process I/O never runs on an event loop. Processes start on one long-lived spawner thread, stdin is
 * written on I/O threads, stdout is read on one reader thread per process; every line is handed to the pool
 * verticle's context ({@code Context.runOnContext}) before any session state is touched, so all session state is
 * confined to that context.
 */
package dev.axon.pool.provider.claudecode;
