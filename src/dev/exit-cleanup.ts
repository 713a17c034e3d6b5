// Child processes that must not outlive this one (brokers holding ports, services holding ports): one
// 'exit' listener for all of them, rather than one per child, which Node warns about past ten.
import type { ChildProcess } from 'node:child_process'

const children = new Set<ChildProcess>()
let listening = false

/** SIGTERM to `child` should this process exit while it still runs; forgotten once the child exits. */
export function terminateOnExit (child: ChildProcess): void {
  if (!listening) {
    listening = true
    process.on('exit', () => { for (const running of children) running.kill('SIGTERM') })
  }
  children.add(child)
  child.once('exit', () => children.delete(child))
}
