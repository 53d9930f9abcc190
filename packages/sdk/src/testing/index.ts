export { startFaultProxy, type Fault, type FaultProxy } from './fault-proxy.js';
export { CLI_PATH, runCli, type CliResult } from './run-cli.js';
