/** The launcher: configuration loading and checking, role selection, deployment. No business logic. */
package dev.axon.app;
