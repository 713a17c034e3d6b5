// The services under test as real child processes, as they are deployed: the runner `npm start`, the
// fault run and the benchmark share (src/dev/service-process.ts), under the name the tests import.
export { ROOT, ServiceProcess, type ServiceCommand } from '../../src/dev/service-process.ts'
