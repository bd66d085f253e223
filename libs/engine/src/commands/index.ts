/** The command layer: every transport runs commands through one CommandTable. */
export * from './command.js';
export * from './command-table.js';
export * from './command-executor.js';
export * from './config-store.js';
export * from './errors.js';
export * from './internal-session.js';
export * from './params.js';
export * from './reply.js';
export * from './replication.js';
export * from './resp-dispatcher.js';
export * from './server-state.js';
export * from './value-reply.js';
export { renderInfo, bytesToHuman } from './info.js';
export { REDIS_COMPAT_VERSION, RINGCACHE_VERSION } from './connection.js';
