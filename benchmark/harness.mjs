// Times contenders side by side: mitata measures each one (warm-up, batched samples), several
// rounds rotate the order so no contender always runs first or after the same neighbour, and the
// reported time is the median over rounds of each round's median sample.

import { measure } from 'mitata'

/**
 * @param {{ name: string, fn: () => unknown }[]} contenders Called as-is; async ones are awaited.
 * @param {{ rounds: number, minCpuTimeMs: number }} options
 * @returns {Promise<Map<string, { nsPerOp: number, rounds: number[] }>>}
 */
export async function compare(contenders, { rounds, minCpuTimeMs }) {
  const perRound = new Map(contenders.map((c) => [c.name, []]))
  for (let round = 0; round < rounds; round++) {
    const order = contenders.map((_, i) => contenders[(i + round) % contenders.length])
    for (const contender of order) {
      // mitata batches fast calls 4096 to a sample by default: at 64 KiB that is 160 ms a sample
      // and 12 samples minimum. 256 keeps samples well above timer resolution and runs short.
      const stats = await measure(contender.fn, { min_cpu_time: minCpuTimeMs * 1e6, batch_samples: 256 })
      perRound.get(contender.name).push(stats.p50)
    }
  }
  return new Map([...perRound].map(([name, samples]) => [name, { nsPerOp: median(samples), rounds: samples }]))
}

export function median(values) {
  const sorted = [...values].sort((a, b) => a - b)
  const mid = sorted.length >> 1
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2
}

/** Left-aligned first column, right-aligned others. */
export function formatTable(header, rows) {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((row) => String(row[i]).length)))
  const line = (cells) =>
    cells.map((cell, i) => (i === 0 ? String(cell).padEnd(widths[i]) : String(cell).padStart(widths[i]))).join('  ')
  return [line(header), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)]
}
