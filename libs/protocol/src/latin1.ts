/**
 * Types for Node's latin1 Buffer methods, which exist on every Buffer but are missing from @types/node.
 * They copy bytes to and from one-byte "binary strings" without the encoding switch of toString/write.
 */
declare global {
  interface Buffer {
    latin1Slice(start?: number, end?: number): string;
    latin1Write(text: string, offset?: number, length?: number): number;
  }
}

export {};
