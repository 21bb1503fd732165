/** HTTP plumbing of the edge: responses, error rendering, request ids. */
package dev.axon.api.http;
