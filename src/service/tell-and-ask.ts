import { prefixField } from '../core/field-prefix.js';
import type { AskResult, HpoService, TellAndAskInput, TrialRecord } from './hpo-service.js';

/**
 * A worker's tell of its finished trial and ask for the next one, as one service call (one gRPC round trip):
 * the tell runs first and is committed, then the ask, so the ask's sampler sees the told result. Each half goes
 * through its own path (the tell and ask batchers), so each keeps its rules, its batching and its request id: a
 * retried call replays a committed tell and returns the trial its ask already started. A refused tell ends the
 * call with the tell's error and the ask is never attempted; an ask that fails after the tell committed leaves
 * the tell stored (a retry replays it). Invalid fields are named under `tell.` or `ask.`.
 *
 * NOTE: a tell is committed before the ask starts rather than sharing its transaction: the ask batcher's
 * transaction is per study and already carries other workers' asks, and a sampler must see committed history
 * (issue 7).
 */
export async function tellAndAsk(
  service: Pick<HpoService, 'tell' | 'ask'>,
  input: TellAndAskInput,
): Promise<{ told: TrialRecord; next: AskResult }> {
  const told = await service.tell(input.tell).catch((error: unknown) => {
    throw prefixField('tell', error);
  });
  const next = await service.ask(input.ask).catch((error: unknown) => {
    throw prefixField('ask', error);
  });
  return { told, next };
}
