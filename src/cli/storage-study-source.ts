import type { TrialState } from '@hpo/client';
import { pino } from 'pino';
import type { DatabaseConfig } from '../config.js';
import { createHpoService } from '../service/create-hpo-service.js';
import { createStudyInputOf, frozenTrialOf, studyInfoOf } from './record-conversion.js';
import { describeStore, openMigratedStore } from './open-store.js';
import type { StudySource } from './study-source.js';

/**
 * The study source of the store itself, for when no server runs: the same service the server runs, in process.
 * (The embedded store is one process at a time: stop the server, or talk to it with --server, to use its folder.)
 */
export async function openStorageStudySource(config: DatabaseConfig): Promise<StudySource> {
  // Quiet: the CLI's output is its answer; storage warnings still reach stderr.
  const logger = pino({ level: 'warn' }, pino.destination(2));
  const opened = await openMigratedStore(config, logger);
  const service = createHpoService({ db: opened.db, logger });
  const store = describeStore(config);
  const allPages = async <T>(fetch: (pageToken: string) => Promise<{ items: readonly T[]; nextPageToken: string }>): Promise<T[]> => {
    const out: T[] = [];
    let token = '';
    do {
      const page = await fetch(token);
      out.push(...page.items);
      token = page.nextPageToken;
    } while (token);
    return out;
  };
  return {
    description: `${store.store} ${store.database ?? store.dataDir}`,
    listStudies: async () => (await allPages((pageToken) => service.listStudies({ pageSize: 1000, pageToken }))).map(studyInfoOf),
    getStudy: async (name) => studyInfoOf(await service.getStudy(name)),
    trials: async (name, states?: readonly TrialState[]) =>
      (await allPages((pageToken) => service.listTrials({ studyName: name, states, pageSize: 10_000, pageToken }))).map(frozenTrialOf),
    bestTrials: async (name) => (await service.bestTrials(name)).map(frozenTrialOf),
    createStudy: async (options) => {
      const { study, created } = await service.createStudy(createStudyInputOf(options));
      return { study: studyInfoOf(study), created };
    },
    deleteStudy: (name) => service.deleteStudy({ name }),
    enqueueTrial: async (name, params, options = {}) =>
      frozenTrialOf(await service.enqueueTrial({ studyName: name, params, userAttrs: options.userAttrs, skipIfExists: options.skipIfExists })),
    close: async () => {
      await service.close();
      await opened.close();
    },
  };
}
