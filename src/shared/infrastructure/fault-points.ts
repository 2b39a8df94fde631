/**
 * Crash points for the recovery tests: a process started with MEMBERPAY_FAULT_POINTS=<name>,...
 * kills itself with SIGKILL when it reaches one, exactly as a power cut would. Armed only by
 * main.ts in sandbox mode; in every other process no point is armed and `reach` does nothing.
 */
const armed = new Set<string>();

export function armFaultPoints(names: string[]): void {
  for (const name of names) if (name) armed.add(name);
}

export function reachFaultPoint(name: string): void {
  if (armed.has(name)) process.kill(process.pid, 'SIGKILL');
}
