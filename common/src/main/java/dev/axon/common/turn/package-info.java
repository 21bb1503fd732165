/**
 * The streaming turn protocol between a caller (the API edge) and a pool: request and acceptance, ordered
 * events to the caller's address ended by {@code Done} or {@code Failed}, cancel from the caller, heartbeats
 * from the producer so a caller notices a dead producer by inactivity.
 */
package dev.axon.common.turn;
