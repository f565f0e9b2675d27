import { isIP } from 'node:net';

/**
 * Whether a listen host reaches only this machine. Wildcards (`0.0.0.0`, `::`, empty) and every other name
 * count as reachable from the network: only what is certainly loopback is treated as such.
 */
export function isLoopbackHost(host: string): boolean {
  const bare = host.startsWith('[') && host.endsWith(']') ? host.slice(1, -1) : host;
  if (bare.toLowerCase() === 'localhost') return true;
  if (isIP(bare) === 4) return bare.startsWith('127.');
  if (isIP(bare) === 6) {
    const lower = bare.toLowerCase();
    if (lower === '::1' || lower === '0:0:0:0:0:0:0:1') return true;
    const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/.exec(lower);
    return mapped !== null && mapped[1].startsWith('127.');
  }
  return false;
}
