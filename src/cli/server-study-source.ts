import { connect, type ConnectOptions, type HpoClient, Unavailable } from '@hpo/client';
import type { StudySource } from './study-source.js';

/**
 * The study source of a running server, through the SDK. Retries are few and short: a person is waiting, and an
 * unreachable server should say so within seconds.
 */
export async function openServerStudySource(
  address: string,
  security: Pick<ConnectOptions, 'tls' | 'metadata'> = {},
): Promise<StudySource> {
  const client = await connect(address, {
    ...security,
    deadlineMs: 15_000,
    retry: { maxAttempts: 3, initialDelayMs: 200, maxDelayMs: 1_000 },
    workerId: `hpo-cli:${process.pid}`,
  });
  const explain = <T>(promise: Promise<T>): Promise<T> =>
    promise.catch((error: unknown) => {
      if (error instanceof Unavailable)
        throw new Error(
          `cannot reach the hpo server at ${address} (${/Last error: (?:Error: )?(.*?)\.? Resolution note/.exec(error.message)?.[1] ?? error.message}); start one with \`hpo serve\`, point --server or HPO_SERVER at it, or read the store directly with --database-url`,
        );
      throw error;
    });
  return {
    description: `server ${address}`,
    listStudies: () => explain(client.listStudies()),
    getStudy: (name) => explain(client.loadStudy(name).then((s) => s.cachedInfo)),
    trials: (name, states) => explain(studyOf(client, name).then((s) => s.trials({ states }))),
    bestTrials: (name) => explain(studyOf(client, name).then((s) => s.bestTrials())),
    createStudy: (options) =>
      explain(client.createStudy(options).then((study) => ({ study: study.cachedInfo, created: study.created }))),
    deleteStudy: (name) => explain(client.deleteStudy(name)),
    enqueueTrial: (name, params, options) => explain(studyOf(client, name).then((s) => s.enqueueTrial(params, options))),
    close: () => client.close(),
  };
}

function studyOf(client: HpoClient, name: string) {
  return client.loadStudy(name);
}
