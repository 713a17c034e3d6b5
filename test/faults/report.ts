// The fault-injection run's results as the Markdown that docs/reliability.md quotes.
import type { FaultRunReport } from './fault-run.ts'

export function formatReports (reports: FaultRunReport[], command: string): string {
  const lines = [
    `Command: \`${command}\``,
    '',
    '| database | fault | offered | acknowledged (202) | refused (503) | stored | lost | duplicated | refused, stored after an unanswered try |',
    '| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |'
  ]
  for (const report of reports) {
    for (const row of [...report.rows, { ...report.total, phase: '**all**' }]) {
      lines.push(`| ${report.setup} | ${row.phase} | ${row.offered} | ${row.acknowledged} | ${row.refused} | ${row.stored} | ${row.lost} | ${row.duplicated} | ${row.refusedStoredAfterNoAnswer} |`)
    }
  }
  lines.push('')
  for (const report of reports) {
    lines.push(`${report.setup}: seed ${report.seed}, ${report.clients} clients at ${report.rate} records/s, load ${report.seconds.load.toFixed(0)} s, drained in ${report.seconds.drain.toFixed(0)} s, ${report.deadLettered} dead-lettered. Faults:`)
    for (const f of report.faults) {
      const healed = f.lagHealedMs === undefined ? 'lag not back within 120 s' : `lag back under 1 s of load after ${(f.lagHealedMs / 1000).toFixed(1)} s`
      lines.push(`- ${(f.startedAtMs / 1000).toFixed(1)} s: ${f.fault} (${f.detail}; ${(f.durationMs / 1000).toFixed(1)} s until recovered; gateways refused for ${(f.refusedForMs / 1000).toFixed(1)} s; ${healed})`)
    }
    lines.push(report.failures.length === 0 ? '- every check passed' : report.failures.map((f) => `- FAILED: ${f}`).join('\n'))
    lines.push('')
  }
  return lines.join('\n')
}
