// A bar chart as a small standalone SVG (no library needed for a dozen bars): one value per label.
import { writeFileSync } from 'node:fs'

export interface Bar { label: string, value: number, highlight: boolean }

export function writeChart (path: URL, bars: readonly Bar[]): void {
  const width = 720
  const barHeight = 26
  const left = 170
  const top = 40
  const max = Math.max(1e-9, ...bars.map((b) => b.value))
  const scale = (width - left - 80) / max
  const rows = bars.map((b, i) => {
    const y = top + i * (barHeight + 8)
    const w = Math.max(1, b.value * scale)
    return `<text x="${left - 10}" y="${y + 18}" text-anchor="end">${b.label}</text>` +
      `<rect x="${left}" y="${y}" width="${w.toFixed(1)}" height="${barHeight}" fill="${b.highlight ? '#1f7a4d' : '#7a8ca3'}"/>` +
      `<text x="${(left + w + 6).toFixed(1)}" y="${y + 18}">${b.value.toFixed(4)}</text>`
  })
  const height = top + bars.length * (barHeight + 8) + 10
  writeFileSync(path, `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" font-family="sans-serif" font-size="14">
<text x="${left}" y="24" font-weight="bold">NDCG@10 per algorithm (higher is better; default in green)</text>
${rows.join('\n')}
</svg>
`)
}
