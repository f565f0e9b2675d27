import { HpoServiceService } from '../../generated/hpo/v1/hpo_service.js';
import type { Scope } from './scope.js';

/** The RPC names of hpo.v1.HpoService, as ts-proto names them (`CreateStudy` → `createStudy`). */
export type HpoRpcName = keyof typeof HpoServiceService;

/**
 * The scope each RPC of hpo.v1.HpoService requires. The `Record` type makes the compiler reject a table that
 * misses an RPC of the generated service, and tests/server/auth/rpc-scopes.test.ts compares it with the .proto
 * file itself, so a new RPC cannot ship without a decision here.
 */
export const RPC_SCOPES: Readonly<Record<HpoRpcName, Scope>> = {
  createStudy: 'admin',
  deleteStudy: 'admin',

  getStudy: 'read',
  listStudies: 'read',
  getTrial: 'read',
  listTrials: 'read',
  getBestTrials: 'read',

  ask: 'worker',
  suggest: 'worker',
  report: 'worker',
  tell: 'worker',
  tellAndAsk: 'worker',
  heartbeat: 'worker',
  enqueueTrial: 'worker',
  // NOTE: user attributes annotate; they change neither which studies exist nor how trials are sampled, and
  // Optuna scripts set them from the training job (`study.set_user_attr`), so a worker may.
  setStudyUserAttr: 'worker',
  setTrialUserAttr: 'worker',
};

/**
 * The one call a lesser scope may make under a condition: training scripts open their study with
 * `createStudy({ loadIfExists: true })` (Optuna's `create_study(load_if_exists=True)`), which for an existing
 * study only reads it. A worker may make that call when it creates nothing: load_if_exists is set and the study
 * exists (the security interceptor checks both before the handler runs). Creating a study still needs admin.
 */
export const LOAD_EXISTING_STUDY_SCOPE: Scope = 'worker';
export const CREATE_STUDY_PATH: string = HpoServiceService.createStudy.path;

/** Services any caller may use without a token: a load balancer's health probe carries no credentials. */
const OPEN_SERVICE_PREFIXES: readonly string[] = ['/grpc.health.v1.Health/'];

/**
 * Other services with a required scope. Reflection describes the API (no data), but on a server that asks for
 * tokens, an anonymous caller learns nothing, so it needs `read`.
 */
const OTHER_SERVICE_SCOPES: ReadonlyArray<readonly [prefix: string, scope: Scope]> = [
  ['/grpc.reflection.v1.ServerReflection/', 'read'],
  ['/grpc.reflection.v1alpha.ServerReflection/', 'read'],
];

const SCOPE_BY_PATH: ReadonlyMap<string, Scope> = new Map(
  (Object.keys(RPC_SCOPES) as HpoRpcName[]).map((rpc) => [HpoServiceService[rpc].path, RPC_SCOPES[rpc]]),
);

/** What a call to a method path (`/hpo.v1.HpoService/Ask`) needs. */
export type MethodRequirement = { readonly kind: 'open' } | { readonly kind: 'scope'; readonly scope: Scope } | { readonly kind: 'unknown' };

/** Looks up a method path; methods of no known service are `unknown`, and the authoriser refuses them. */
export function requirementOf(path: string): MethodRequirement {
  const scope = SCOPE_BY_PATH.get(path);
  if (scope !== undefined) return { kind: 'scope', scope };
  if (OPEN_SERVICE_PREFIXES.some((prefix) => path.startsWith(prefix))) return { kind: 'open' };
  const other = OTHER_SERVICE_SCOPES.find(([prefix]) => path.startsWith(prefix));
  if (other !== undefined) return { kind: 'scope', scope: other[1] };
  return { kind: 'unknown' };
}
