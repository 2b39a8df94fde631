// `npm run sandbox -- reset` and `npm run cli -- sandbox reset`: a sandbox that is running forgets
// its state (and empties its state file) through its own reset route; the state file of one that
// is not running is removed, so its next start begins empty.
import { existsSync, rmSync } from 'node:fs';

export interface SandboxResetTarget {
  /** For the report: `iamport sandbox in the app`, ... */
  name: string;
  /** Where the sandbox answers when it runs (its `/__sandbox/reset` lives under it). */
  url: string;
  stateFile: string | null;
}

export interface SandboxResetReport {
  name: string;
  url: string;
  /** It answered the reset: its memory is empty now. */
  running: boolean;
  stateFile: string | null;
  /** A state file was there and is gone. */
  removed: boolean;
}

export async function resetSandboxes(targets: SandboxResetTarget[], timeoutMs = 2000): Promise<SandboxResetReport[]> {
  const reports: SandboxResetReport[] = [];
  for (const target of targets) {
    let running = false;
    try {
      const res = await fetch(`${target.url}/__sandbox/reset`, { method: 'POST', signal: AbortSignal.timeout(timeoutMs) });
      await res.arrayBuffer();
      running = res.ok;
    } catch {
      // nothing listens there: the state file is all there is to clear
    }
    const existed = target.stateFile !== null && existsSync(target.stateFile);
    if (target.stateFile) rmSync(target.stateFile, { force: true });
    reports.push({ name: target.name, url: target.url, running, stateFile: target.stateFile, removed: existed });
  }
  return reports;
}

/** One line per target: what was cleared. */
export function describeReset(report: SandboxResetReport): string {
  if (report.running) return `${report.name}: running at ${report.url}, reset${report.stateFile ? ` (state file ${report.stateFile} emptied)` : ''}`;
  const file = report.stateFile ? `${report.removed ? 'removed its state file' : 'no state file at'} ${report.stateFile}` : 'it keeps no state file';
  return `${report.name}: not running at ${report.url}; ${file}`;
}
