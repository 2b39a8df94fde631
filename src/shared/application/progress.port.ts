/**
 * How a long use case (a renewal run, a reconcile) tells an operator how far it is: the CLI draws
 * a progress line from it. `start` once the work is known, `advance` as items finish; the total
 * grows by itself if more turns up than was announced.
 */
export interface ProgressReporter {
  start(total: number): void;
  advance(by?: number): void;
}
