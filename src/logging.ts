import { pino, type DestinationStream, type Logger } from 'pino';

export type LogLevel = 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
export const LOG_LEVELS: readonly LogLevel[] = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'];

/** json: one JSON object per line (machines, containers); pretty: one readable line per entry (terminals). */
export type LogFormat = 'json' | 'pretty';

export interface LoggingOptions {
  readonly level: LogLevel;
  readonly format: LogFormat;
  /** Where lines go; stdout by default. */
  readonly destination?: NodeJS.WritableStream & { isTTY?: boolean };
}

/** The process's logger: pino, structured JSON or a readable line per entry. */
export function createLogger(options: LoggingOptions): Logger {
  const out = options.destination ?? process.stdout;
  const base = { level: options.level, base: { pid: process.pid }, timestamp: pino.stdTimeFunctions.isoTime };
  if (options.format === 'json') return pino(base, out as DestinationStream);
  return pino(base, prettyDestination(out, Boolean(out.isTTY) && !process.env.NO_COLOR));
}

const LEVEL_NAMES: Readonly<Record<number, string>> = { 10: 'TRACE', 20: 'DEBUG', 30: 'INFO', 40: 'WARN', 50: 'ERROR', 60: 'FATAL' };
const LEVEL_COLOURS: Readonly<Record<number, string>> = { 10: '90', 20: '36', 30: '32', 40: '33', 50: '31', 60: '35' };
const HIDDEN_KEYS = new Set(['level', 'time', 'msg', 'pid', 'hostname', 'err']);

/**
 * A small formatter instead of pino-pretty (one dependency fewer, no worker thread):
 * `12:03:04.512 INFO  listening address=127.0.0.1:50051 store=embedded`, with the stack of an `err` below.
 */
export function prettyDestination(out: NodeJS.WritableStream, colour: boolean): DestinationStream {
  const paint = (code: string, text: string) => (colour ? `\u001b[${code}m${text}\u001b[0m` : text);
  return {
    write(line: string) {
      let entry: Record<string, unknown>;
      try {
        entry = JSON.parse(line) as Record<string, unknown>;
      } catch {
        out.write(line);
        return;
      }
      const level = Number(entry.level);
      const time = typeof entry.time === 'string' ? entry.time.slice(11, 23) : '';
      const fields = Object.entries(entry)
        .filter(([k]) => !HIDDEN_KEYS.has(k))
        .map(([k, v]) => `${paint('90', `${k}=`)}${typeof v === 'string' ? v : JSON.stringify(v)}`)
        .join(' ');
      const name = (LEVEL_NAMES[level] ?? String(level)).padEnd(5);
      let text = `${paint('90', time)} ${paint(LEVEL_COLOURS[level] ?? '0', name)} ${String(entry.msg ?? '')}${fields ? ` ${fields}` : ''}\n`;
      const err = entry.err as { stack?: string; message?: string } | undefined;
      if (err) text += `${paint('31', err.stack ?? err.message ?? JSON.stringify(err))}\n`;
      out.write(text);
    },
  };
}
