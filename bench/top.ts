// Summarises a V8 .cpuprofile (node --cpu-prof): the functions with the most self time, and the
// project's own functions with the most total time, so a profile can be read without a browser.
// Usage: node --import tsx bench/top.ts <file.cpuprofile> [rows]
import { readFileSync } from 'node:fs'

interface Node { id: number, callFrame: { functionName: string, url: string, lineNumber: number }, children?: number[] }
interface Profile { nodes: Node[], samples: number[], timeDeltas: number[] }

const [file, rowsText] = process.argv.slice(2)
if (file === undefined) throw new Error('usage: top.ts <file.cpuprofile> [rows]')
const rows = Number(rowsText ?? 25)
const profile = JSON.parse(readFileSync(file, 'utf8')) as Profile
const byId = new Map(profile.nodes.map((n) => [n.id, n]))
const parent = new Map<number, number>()
for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id)

const self = new Map<number, number>()
profile.samples.forEach((id, i) => self.set(id, (self.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0)))
const total = [...self.values()].reduce((a, b) => a + b, 0)

const label = (n: Node): string => {
  const where = n.callFrame.url.replace(/^.*\/(node_modules\/)/, '$1').replace(/^file:\/\/.*\/(src|bench)\//, '$1/')
  return `${n.callFrame.functionName || '(anonymous)'} ${where}:${n.callFrame.lineNumber + 1}`
}
const selfBy = new Map<string, number>()
const totalBy = new Map<string, number>()
for (const [id, time] of self) {
  const node = byId.get(id) as Node
  selfBy.set(label(node), (selfBy.get(label(node)) ?? 0) + time)
  // Total time: every distinct frame on the stack gets the sample once.
  const seen = new Set<string>()
  for (let at: number | undefined = id; at !== undefined; at = parent.get(at)) {
    const name = label(byId.get(at) as Node)
    if (seen.has(name)) continue
    seen.add(name)
    totalBy.set(name, (totalBy.get(name) ?? 0) + time)
  }
}
const print = (title: string, map: Map<string, number>, filter: (name: string) => boolean): void => {
  process.stdout.write(`${title}\n`)
  for (const [name, time] of [...map].filter(([name]) => filter(name)).sort((a, b) => b[1] - a[1]).slice(0, rows)) {
    process.stdout.write(`${(100 * time / total).toFixed(1).padStart(5)}%  ${name}\n`)
  }
}
print(`self time (of ${(total / 1e6).toFixed(1)} s sampled)`, selfBy, () => true)
print('total time, project code', totalBy, (name) => name.includes(' src/'))
