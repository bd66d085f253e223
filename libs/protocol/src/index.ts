/** RESP2/RESP3 codec and the RESP server, framework-free except the Nest transport wrapper. */
export * from './resp-parser.js';
export * from './resp-writer.js';
export * from './command-dispatcher.js';
export * from './resp-connection.js';
export * from './resp-server.js';
export * from './resp-transport.js';
