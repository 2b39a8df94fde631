// The slice of autocannon's API the benchmarks use (it ships no types; a small declaration beats a dependency).
declare module 'autocannon' {
  interface Histogram { average: number; p50: number; p99: number; max: number; total: number }
  interface Result { requests: Histogram; latency: Histogram; non2xx: number; errors: number; timeouts: number }
  function autocannon(options: Record<string, unknown>): Promise<Result>;
  export default autocannon;
}
