/**
 * Terminal colours, on only when the stream is a terminal (and NO_COLOR is unset), or when FORCE_COLOR asks:
 * output piped into a file or another program stays plain text.
 */
export interface Style {
  readonly enabled: boolean;
  bold(s: string): string;
  dim(s: string): string;
  red(s: string): string;
  green(s: string): string;
  yellow(s: string): string;
  cyan(s: string): string;
}

export function styleFor(stream: { isTTY?: boolean }, env: Readonly<Record<string, string | undefined>> = process.env): Style {
  const forced = env.FORCE_COLOR !== undefined && env.FORCE_COLOR !== '' && env.FORCE_COLOR !== '0' && env.FORCE_COLOR !== 'false';
  const enabled = forced || (Boolean(stream.isTTY) && env.NO_COLOR === undefined && env.TERM !== 'dumb');
  const wrap = (open: number, close: number) => (s: string) => (enabled && s !== '' ? `\u001b[${open}m${s}\u001b[${close}m` : s);
  return {
    enabled,
    bold: wrap(1, 22),
    dim: wrap(2, 22),
    red: wrap(31, 39),
    green: wrap(32, 39),
    yellow: wrap(33, 39),
    cyan: wrap(36, 39),
  };
}

/** The colour of a trial state, the same in every command; `text` is what is coloured (e.g. the padded cell). */
export function colourState(style: Style, state: string, text: string = state): string {
  switch (state) {
    case 'COMPLETE':
      return style.green(text);
    case 'PRUNED':
      return style.yellow(text);
    case 'FAIL':
      return style.red(text);
    case 'RUNNING':
      return style.cyan(text);
    default:
      return style.dim(text);
  }
}
