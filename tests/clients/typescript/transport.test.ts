import { describe, expect, it } from 'vitest';
import { Cancelled, connect, heartbeatIntervalMs, Unavailable } from '@hpo/client';

describe('calls that never reach a server', () => {
  it('fail as Unavailable once retries are spent', async () => {
    const client = await connect('127.0.0.1:1', { retry: { maxAttempts: 2, initialDelayMs: 1 } });
    await expect(client.loadStudy('x')).rejects.toBeInstanceOf(Unavailable);
    await client.close();
  });

  it('fail as Cancelled, without retrying, after the client is closed', async () => {
    const client = await connect('127.0.0.1:1');
    await client.close();
    const error = await client.listStudies().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(Cancelled);
    expect((error as Error).message).toBe('ListStudies: the client was closed');
  });
});

describe('heartbeatIntervalMs', () => {
  it('beats three times per grace period, within [250 ms, 30 s], and not at all when the grace is 0', () => {
    expect(heartbeatIntervalMs(60)).toBe(20_000);
    expect(heartbeatIntervalMs(0.3)).toBe(250);
    expect(heartbeatIntervalMs(3600)).toBe(30_000);
    expect(heartbeatIntervalMs(0)).toBe(0);
  });
});
