/**
 * The example gateway (examples/gateway/server.js) as a child process on a free port, the way an operator
 * starts it: the tests that need a real process (peers' clients, several nodes on one store) share it.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';

const ROOT = join(import.meta.dirname, '../..');
const SERVER = join(ROOT, 'examples/gateway/server.js');

export interface ExampleGateway {
  url: string;
  child: ChildProcess;
}

/**
 * Starts the example gateway with `env` on top of this process's environment (PORT=0; a value of
 * undefined removes the variable) and resolves once it prints the address it listens on.
 */
export function startExampleGateway(env: Record<string, string | undefined>): Promise<ExampleGateway> {
  const childEnv: Record<string, string | undefined> = { ...process.env, PORT: '0' };
  for (const [name, value] of Object.entries(env)) {
    if (value === undefined) delete childEnv[name];
    else childEnv[name] = value;
  }
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [SERVER], { env: childEnv, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout?.setEncoding('utf8').on('data', (chunk: string) => {
      out += chunk;
      const m = /gateway listening on (http:\/\/\S+)/.exec(out);
      if (m?.[1]) resolve({ url: m[1], child });
    });
    child.stderr?.setEncoding('utf8').on('data', (chunk: string) => {
      err += chunk;
    });
    child.on('exit', (code) => reject(new Error(`the example gateway exited (${code}): ${err}`)));
  });
}

/** Stops the gateway (SIGTERM) and resolves once it has exited; a no-op when it is already gone. */
export function stopExampleGateway(gateway: ExampleGateway | undefined): Promise<void> {
  if (!gateway || gateway.child.exitCode !== null || gateway.child.signalCode !== null) {
    return Promise.resolve();
  }
  return new Promise((resolve) => {
    gateway.child.once('exit', () => resolve());
    gateway.child.kill('SIGTERM');
  });
}
