/** How the verticles of a deployment learn about each other: node identity and role announcements. */
package dev.axon.common.cluster;
