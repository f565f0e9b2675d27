import type { Kysely, Transaction } from 'kysely';
import type { Pruner } from '../core/pruner.js';
import type { Sampler } from '../core/sampler.js';
import { type Direction, type StudyView, studyViewOf } from '../core/study.js';
import { type FrozenTrial, searchByNumber, type TrialState } from '../core/trial.js';
import { createPruner } from '../../pruners/create-pruner.js';
import type { PrunerSpec } from '../../pruners/pruner-spec.js';
import { createSampler } from '../../samplers/create-sampler.js';
import type { SamplerSpec } from '../../samplers/sampler-spec.js';
import type { Database, StudyRow } from '../storage/database.js';
import { type KnownVersions, readTrialChanges } from '../storage/trial-repository.js';
import { frozenTrialOf } from './trial-record.js';

const EMPTY_VALUES: ReadonlyMap<number, number> = new Map();

const STATES: readonly TrialState[] = ['WAITING', 'RUNNING', 'COMPLETE', 'PRUNED', 'FAIL'];

/** A study's trials per state, each list in number order; never mutated once built (views share them). */
export type TrialsByState = Readonly<Record<TrialState, readonly FrozenTrial[]>>;

const NO_TRIALS: TrialsByState = { WAITING: [], RUNNING: [], COMPLETE: [], PRUNED: [], FAIL: [] };

/** The trials per state as one refresh left them, and that refresh's version (see StudyCacheEntry.version). */
export interface TrialsSnapshot {
  readonly byState: TrialsByState;
  readonly version: number;
}

// A change log longer than this many trial versions (and longer than the study) is dropped: a mirror that has not
// been updated for that long is cheaper to send again whole than to replay.
const MIN_LOG_LIMIT = 1024;

interface CachedTrial {
  readonly revision: number;
  /** The row's change marker (writing transaction id). */
  readonly changeXid: bigint;
  // Not the row itself: nothing reads it once converted, and holding it too made a cached trial 1,755 bytes
  // of heap instead of 1,215 (10,000 trials: 17.5 -> 12 MB the garbage collector marks on every full pass).
  readonly trial: FrozenTrial;
}

/**
 * One study's trials as this process last read them, with the study's sampler and pruner instances.
 * `refresh` reads only rows written since the previous read (by change marker, see readTrialChanges), so
 * an ask at 10,000 trials does not reread 10,000 rows. Several refreshes may run at once (different
 * transactions): versions of a row are merged by revision, so an older read never replaces a newer one.
 */
export class StudyCacheEntry {
  readonly sampler: Sampler;
  readonly pruner: Pruner;
  /** The stored specs the sampler and pruner were built from (a sampling thread builds its own from them). */
  readonly samplerSpec: SamplerSpec;
  readonly prunerSpec: PrunerSpec;
  readonly base: { readonly id: number; readonly name: string; readonly directions: readonly Direction[]; readonly seed: number };
  private readonly trials = new Map<number, CachedTrial>();
  private readonly values = new Map<number, Map<number, number>>();
  private xmin: bigint | null = null;
  // Ids of cached trials whose change marker may be >= xmin, i.e. the rows the next delta read could return
  // again: knownSince reads these few instead of every cached trial (a BigInt comparison each, 0.2-0.4 ms per
  // ask at 10,000 trials). Ids enter when a version is cached and leave once xmin passes their marker.
  private readonly recent = new Set<number>();
  private sorted: readonly FrozenTrial[] | null = null;
  // Kept up to date by refresh (copy on write) so an ask at 5,000 trials neither refilters nor counts them all.
  private byState: TrialsByState = NO_TRIALS;
  private view: StudyView | null = null;
  // Counts the refreshes that changed byState; with the log, what a mirror of byState elsewhere (the sampling
  // thread) needs to catch up from the version it has. Null while nothing mirrors this entry.
  private changeVersion = 0;
  private changeLog: Array<{ readonly version: number; readonly trials: readonly FrozenTrial[] }> | null = null;
  private changeLogSize = 0;

  constructor(study: StudyRow) {
    this.base = { id: study.id, name: study.name, directions: study.directions as Direction[], seed: Number(study.seed) };
    this.samplerSpec = study.sampler as SamplerSpec;
    this.prunerSpec = study.pruner as PrunerSpec;
    this.sampler = createSampler(this.samplerSpec);
    this.pruner = createPruner(this.prunerSpec, study.directions.length);
  }

  /**
   * Reads what changed since the last refresh. Call it inside a transaction BEFORE that transaction writes
   * trials: the cache must only ever hold committed rows. `snapshotXmin`, when given, is the xmin of an
   * earlier statement of the same transaction (e.g. the one that took the study lock).
   */
  async refresh(db: Kysely<Database> | Transaction<Database>, snapshotXmin?: bigint): Promise<void> {
    const changes = await readTrialChanges(db, this.base.id, this.xmin, snapshotXmin, this.knownSince(this.xmin));
    let changed = false;
    const touched = new Set<number>();
    // Copy on write (views handed out earlier keep their own maps), once per trial and refresh: copying and
    // sorting per value made a first read of a trial with n reported steps O(n² log n) (10,000 steps: 16 s).
    const grown = new Map<number, Map<number, number>>();
    for (const v of changes.values) {
      const step = Number(v.step);
      const existing = this.values.get(v.trial_id);
      if (existing?.has(step)) continue;
      let next = grown.get(v.trial_id);
      if (next === undefined) {
        next = new Map(existing ?? []);
        grown.set(v.trial_id, next);
      }
      next.set(step, v.value);
    }
    for (const [id, next] of grown) {
      this.values.set(id, sortByStep(next));
      touched.add(id);
    }
    const replaced: Array<readonly [FrozenTrial | undefined, FrozenTrial]> = [];
    for (const row of changes.trials) {
      const cached = this.trials.get(row.id);
      if (cached && cached.revision >= row.revision) continue;
      const trial = frozenTrialOf(row, this.values.get(row.id) ?? EMPTY_VALUES);
      this.trials.set(row.id, { revision: row.revision, changeXid: BigInt(row.change_xid), trial });
      this.recent.add(row.id);
      replaced.push([cached?.trial, trial]);
      touched.delete(row.id);
      changed = true;
    }
    for (const id of touched) {
      const cached = this.trials.get(id);
      if (!cached) continue;
      const trial = { ...cached.trial, intermediateValues: this.values.get(id) ?? EMPTY_VALUES };
      this.trials.set(id, { ...cached, trial });
      replaced.push([cached.trial, trial]);
      changed = true;
    }
    if (replaced.length > 0) {
      this.byState = withReplaced(this.byState, replaced);
      this.changeVersion++;
      if (this.changeLog) this.logChanges(replaced.map((r) => r[1]));
    }
    if (this.xmin === null || changes.xmin > this.xmin) {
      this.xmin = changes.xmin;
      for (const id of this.recent) if (this.trials.get(id)!.changeXid < this.xmin) this.recent.delete(id);
    }
    if (changed) {
      this.sorted = null;
      this.view = null;
    }
  }

  private logChanges(trials: readonly FrozenTrial[]): void {
    this.changeLog!.push({ version: this.changeVersion, trials });
    this.changeLogSize += trials.length;
    if (this.changeLogSize > Math.max(MIN_LOG_LIMIT, 2 * this.trials.size)) this.changeLog = null;
  }

  /** The version of the trials per state (see snapshot()): it grows with every refresh that changed a trial. */
  get version(): number {
    return this.changeVersion;
  }

  /** Trials per state as last read, with their version (later refreshes build new lists). */
  snapshot(): TrialsSnapshot {
    return { byState: this.byState, version: this.changeVersion };
  }

  /** Starts (again) recording each refresh's changed trials, for a mirror that now holds the current version. */
  startChangeLog(): void {
    this.changeLog = [];
    this.changeLogSize = 0;
  }

  /**
   * The trial versions refreshes changed after version `from` up to `to` (in order; a later one of a trial
   * replaces an earlier), forgetting those up to `to`: a mirror at `from` applying them is at `to`. Null when
   * no log covers them (never started, or dropped for its length).
   */
  takeChanges(from: number, to: number): FrozenTrial[] | null {
    const log = this.changeLog;
    // The log started when the mirror was current and entries leave only once taken, so it covers `from` on.
    if (log === null) return null;
    const out: FrozenTrial[] = [];
    let kept = 0;
    for (const entry of log) {
      if (entry.version <= from) continue;
      if (entry.version > to) break;
      out.push(...entry.trials);
    }
    while (kept < log.length && log[kept].version <= to) {
      this.changeLogSize -= log[kept].trials.length;
      kept++;
    }
    log.splice(0, kept);
    return out;
  }

  /** The cached rows a delta read from `xmin` would return again unchanged (see readTrialChanges). */
  private knownSince(xmin: bigint | null): KnownVersions | undefined {
    if (xmin === null) return undefined;
    const ids: number[] = [];
    const revisions: number[] = [];
    for (const id of this.recent) {
      const c = this.trials.get(id)!;
      if (c.changeXid >= xmin) {
        ids.push(id);
        revisions.push(c.revision);
      }
    }
    return { ids, revisions };
  }

  /** Trials in number order. */
  trialList(): readonly FrozenTrial[] {
    if (!this.sorted) this.sorted = mergeByNumber(STATES.map((s) => this.byState[s]));
    return this.sorted;
  }

  /** The cached version of a trial. */
  cachedTrial(id: number): FrozenTrial | undefined {
    return this.trials.get(id)?.trial;
  }

  /** Intermediate values of a trial as cached. */
  intermediateValues(id: number): ReadonlyMap<number, number> {
    return this.values.get(id) ?? EMPTY_VALUES;
  }

  /** The study as last read. */
  studyView(): StudyView {
    if (!this.view) this.view = studyViewOf(this.base, this.trialList());
    return this.view;
  }

  /** The study with `trial` in place of its cached version (or added): what the sampler/pruner sees during a call. */
  studyViewWith(trial: FrozenTrial): StudyView {
    return studyViewOver(this.base, this.byState, [trial]);
  }

  /** How many trials are in each state. */
  countByState(): Record<TrialState, number> {
    const b = this.byState;
    return { WAITING: b.WAITING.length, RUNNING: b.RUNNING.length, COMPLETE: b.COMPLETE.length, PRUNED: b.PRUNED.length, FAIL: b.FAIL.length };
  }
}

function sortByStep(m: Map<number, number>): Map<number, number> {
  let sorted = true;
  let prev = -Infinity;
  for (const k of m.keys()) {
    if (k < prev) {
      sorted = false;
      break;
    }
    prev = k;
  }
  return sorted ? m : new Map([...m.entries()].sort((a, b) => a[0] - b[0]));
}

/** `byState` with each [old, new] pair applied in order: old (if any) removed, new put in its state's list. */
export function withReplaced(byState: TrialsByState, replaced: ReadonlyArray<readonly [FrozenTrial | undefined, FrozenTrial]>): TrialsByState {
  const next: Record<TrialState, FrozenTrial[]> = { ...byState } as Record<TrialState, FrozenTrial[]>;
  const copied = new Set<TrialState>();
  const own = (s: TrialState): FrozenTrial[] => {
    if (!copied.has(s)) {
      next[s] = next[s].slice();
      copied.add(s);
    }
    return next[s];
  };
  for (const [old, trial] of replaced) {
    if (old) {
      const list = own(old.state);
      const at = searchByNumber(list, old.number);
      if (at.found) list.splice(at.index, 1);
    }
    putByNumber(own(trial.state), trial);
  }
  return next;
}

/** Puts `trial` in `list` (number order) in place of the trial of the same number, or inserts it. Mutates. */
function putByNumber(list: FrozenTrial[], trial: FrozenTrial): void {
  const at = searchByNumber(list, trial.number);
  if (at.found) list[at.index] = trial;
  else list.splice(at.index, 0, trial);
}

/**
 * Lists in number order merged into one; a single non-empty list is returned as is (shared, read-only), more
 * make a new array (the caller may own it). Merged in one linear pass per list, shortest first: TPE's
 * constant-liar pool is thousands of finished trials plus a few RUNNING ones on every ask with several workers,
 * and concatenating and sorting them with a comparator cost 0.4-0.6 ms per ask at 10,000 trials (now ~0.02).
 */
function mergeByNumber(lists: ReadonlyArray<readonly FrozenTrial[]>): readonly FrozenTrial[] {
  const nonEmpty = lists.filter((l) => l.length > 0);
  if (nonEmpty.length === 0) return [];
  if (nonEmpty.length === 1) return nonEmpty[0];
  nonEmpty.sort((a, b) => a.length - b.length);
  let merged = mergeTwo(nonEmpty[0], nonEmpty[1]);
  for (let i = 2; i < nonEmpty.length; i++) merged = mergeTwo(merged, nonEmpty[i]);
  return merged;
}

/**
 * Two non-empty lists in number order (numbers unique across them) merged into a new one. The trials of the
 * list that starts first which come before the other's first are copied with one slice (a memory copy, about a
 * tenth of a pushing loop's cost): RUNNING trials are among the newest, so that is nearly all of the finished ones.
 */
function mergeTwo(first: readonly FrozenTrial[], second: readonly FrozenTrial[]): FrozenTrial[] {
  const [a, b] = first[0].number < second[0].number ? [first, second] : [second, first];
  let i = searchByNumber(a, b[0].number).index;
  const out = a.slice(0, i);
  let j = 0;
  while (i < a.length && j < b.length) out.push(a[i].number < b[j].number ? a[i++] : b[j++]);
  while (i < a.length) out.push(a[i++]);
  while (j < b.length) out.push(b[j++]);
  return out;
}

/**
 * The study as `byState` holds it, with `overrides` applied in order (each in place of the trial of its number,
 * or added): what a sampler sees during an ask. Lists per state set are built on first use and kept; when no
 * override touches the requested states (a new RUNNING trial vs. the finished trials TPE models), the cached
 * list is handed out without a copy.
 */
export function studyViewOver(
  base: Pick<StudyView, 'id' | 'name' | 'directions' | 'seed'>,
  byState: TrialsByState,
  overrides: readonly FrozenTrial[],
): StudyView {
  const memo = new Map<string, readonly FrozenTrial[]>();
  const listOf = (states: readonly TrialState[]): readonly FrozenTrial[] => {
    const wanted = [...new Set(states)].sort();
    const key = wanted.join(',');
    let found = memo.get(key);
    if (found) return found;
    const lists = wanted.map((s) => byState[s]);
    let list = mergeByNumber(lists);
    // A merge of several lists is already this view's own array: the overrides go in without another copy.
    let own: FrozenTrial[] | null = lists.filter((l) => l.length > 0).length > 1 ? (list as FrozenTrial[]) : null;
    for (const trial of overrides) {
      const at = searchByNumber(list, trial.number);
      const keep = wanted.includes(trial.state);
      if (!at.found && !keep) continue;
      if (own === null) list = own = list.slice();
      if (keep) putByNumber(own, trial);
      else own.splice(at.index, 1);
    }
    memo.set(key, list);
    return list;
  };
  return {
    id: base.id,
    name: base.name,
    directions: base.directions,
    seed: base.seed,
    getTrials: (states) => listOf(states ?? STATES),
  };
}

/**
 * Per-study cache entries of this process, keyed by study id (a re-created study gets a new id). The least
 * recently used entries beyond `maxEntries` are dropped; a dropped study is read in full on its next use.
 */
export class StudyCache {
  private readonly entries = new Map<number, StudyCacheEntry>();

  /** `onForget` hears of every study dropped (evicted, forgotten, cleared), e.g. to drop a mirror of it. */
  constructor(
    private readonly maxEntries = 256,
    private readonly onForget: (studyId: number) => void = () => {},
  ) {}

  entryFor(study: StudyRow): StudyCacheEntry {
    let entry = this.entries.get(study.id);
    if (entry) {
      // Map order is insertion order: re-inserting marks the entry most recently used.
      this.entries.delete(study.id);
    } else {
      entry = new StudyCacheEntry(study);
    }
    this.entries.set(study.id, entry);
    while (this.entries.size > this.maxEntries) {
      const oldest = this.entries.keys().next().value as number;
      this.entries.delete(oldest);
      this.onForget(oldest);
    }
    return entry;
  }

  /** How many studies are cached. */
  get size(): number {
    return this.entries.size;
  }

  forget(studyId: number): void {
    if (this.entries.delete(studyId)) this.onForget(studyId);
  }

  clear(): void {
    for (const id of this.entries.keys()) this.onForget(id);
    this.entries.clear();
  }
}
