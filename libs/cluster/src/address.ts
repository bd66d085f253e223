/** `"host:port"` addresses of nodes; an IPv6 host keeps its colons, the port follows the last one. */

export interface HostPort {
  host: string;
  port: number;
}

/** Splits an address known to be well formed (one a node announced, or one checked by parseHostPort). */
export function splitAddress(address: string): HostPort {
  const colon = address.lastIndexOf(':');
  return { host: address.slice(0, colon), port: Number(address.slice(colon + 1)) };
}

/** Parses an address a person typed (a flag, a config value): a non-empty host and a port 1-65535, else undefined. */
export function parseHostPort(text: string): HostPort | undefined {
  const colon = text.lastIndexOf(':');
  const digits = text.slice(colon + 1);
  const port = Number(digits);
  if (colon < 1 || !/^\d+$/.test(digits) || port < 1 || port > 65535) return undefined;
  return { host: text.slice(0, colon), port };
}
