/** Model listings that travel between the pool (which asks its upstreams) and the HTTP edge ({@code /v1/models}). */
package dev.axon.common.catalog;
