/** Logging output: log lines to stdout without making event loops wait on the write. */
package dev.axon.app.logging;
