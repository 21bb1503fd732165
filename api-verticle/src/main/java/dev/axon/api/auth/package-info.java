/** API-key authentication; keys are held as SHA-256 digests only. The key set is immutable and shared. */
package dev.axon.api.auth;
