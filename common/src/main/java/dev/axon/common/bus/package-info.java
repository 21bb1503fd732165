/**
 * Event-bus plumbing shared by every verticle: address constants and the codecs of the contract records.
 * Stateless apart from the once-per-Vert.x codec registration.
 */
package dev.axon.common.bus;
