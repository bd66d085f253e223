/** Public API of persistence: the append-only file's buffer, writer, loader and checker. */
export { AofBuffer } from './aof-buffer.js';
export { AofWriter } from './aof-writer.js';
export type { AofFs, AofWriterOptions, FsyncPolicy } from './aof-writer.js';
export { AofFormatError, AofScanner, loadAof, scanAof } from './aof-loader.js';
export type { AofCommandSink, AofScanOptions, LoadAofOptions, LoadAofResult } from './aof-loader.js';
export { checkAof, checkAofCli } from './check-aof.js';
export type { CheckAofResult } from './check-aof.js';
