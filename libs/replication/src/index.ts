/** Public API of the replication library: the primary's replication stream and backlog. */
export { ANY_SLOT, ReplicationLog, encodeCommand, newReplicationId } from './replication-log.js';
export type { LogEntry, ResumePoint } from './replication-log.js';
