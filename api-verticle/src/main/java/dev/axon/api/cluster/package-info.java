/** The API's view of the deployment, built from role announcements; confined to the API verticle's context. */
package dev.axon.api.cluster;
