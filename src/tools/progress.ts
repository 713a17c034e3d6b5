// Progress of a long command: a redrawn bar on a terminal, a plain line every two seconds in a log or pipe.
import cliProgress from 'cli-progress'

export interface Progress { advance (done: number): void, stop (): void }

/** A bar labelled `label` for `total` records, on stderr (stdout stays for results). */
export function progressBar (label: string, total: number): Progress {
  const tty = process.stderr.isTTY
  const bar = new cliProgress.SingleBar({
    stream: process.stderr,
    // A terminal gets a redrawn bar; a log file or pipe gets a plain line every two seconds.
    format: tty
      ? `${label} [{bar}] {percentage}% | {value}/{total} | {rate} records/s | ETA {eta_formatted}`
      : `${label} {value}/{total} ({percentage}%) {rate} records/s`,
    noTTYOutput: true,
    // In a log the last periodic line already ends the task; a terminal keeps the finished bar.
    clearOnComplete: !tty,
    notTTYSchedule: 2000,
    hideCursor: tty,
    barsize: 30,
    etaBuffer: 500
  }, cliProgress.Presets.shades_classic)
  const started = performance.now()
  bar.start(total, 0, { rate: 0 })
  return {
    advance (done) {
      bar.update(done, { rate: Math.round(done / Math.max((performance.now() - started) / 1000, 1e-3)) })
    },
    stop () {
      bar.stop()
    }
  }
}
