/** What the providers tell the rest of the node about their upstreams. */
package dev.axon.common.upstream;
