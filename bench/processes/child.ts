// The child side of a bench process: one `READY {json}` or `RESULT {json}` line on stdout for the parent.
export function report(kind: 'READY' | 'RESULT', value: unknown): void {
  process.stdout.write(`${kind} ${JSON.stringify(value)}\n`);
}

export function failed(error: unknown): never {
  process.stderr.write(`bench process failed: ${error instanceof Error ? error.stack : String(error)}\n`);
  process.exit(1);
}

/** Stops when the parent closes our stdin (or dies), so no bench process outlives its run. */
export function exitWithParent(cleanup: () => Promise<void> = async () => {}): void {
  process.stdin.resume();
  process.stdin.on('end', () => void cleanup().finally(() => process.exit(0)));
}
