/** Errors as values with a kind; mapped to a client dialect only at the HTTP edge. */
package dev.axon.common.error;
