import { appendFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

/** Where the fault runs leave their figures (one JSON line each), for docs/SECURITY.md. */
export const FIGURES = path.join(tmpdir(), 'pp-fault-figures.jsonl');

/** Prints a measured figure and keeps it in FIGURES. */
export function record(test: string, figure: string, detail?: unknown): void {
  appendFileSync(
    FIGURES,
    `${JSON.stringify({ at: new Date().toISOString(), test, figure, detail })}\n`,
  );
  console.log(
    `[${test}] ${figure}${detail === undefined ? '' : `\n${JSON.stringify(detail, null, 2)}`}`,
  );
}
