import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const CHILD = fileURLToPath(new URL('../fixtures/upload-child.ts', import.meta.url));
const TSX = fileURLToPath(new URL('../../../../node_modules/.bin/tsx', import.meta.url));

/** Runs the child; resolves with its JSON lines and how long it took to exit after its last line. */
export function runChild(args: object, onLine?: (line: Record<string, unknown>, kill: () => void) => void) {
  return new Promise<{ lines: Array<Record<string, unknown>>; code: number | null; signal: NodeJS.Signals | null; exitLagMs: number }>((resolve, reject) => {
    const child = spawn(TSX, [CHILD, JSON.stringify(args)], { stdio: ['ignore', 'pipe', 'pipe'] });
    const lines: Array<Record<string, unknown>> = [];
    let buf = '';
    let stderr = '';
    let lastLine = Date.now();
    const guard = setTimeout(() => child.kill('SIGKILL'), 120_000);
    child.stdout.on('data', (c: Buffer) => {
      buf += c.toString();
      for (let i = buf.indexOf('\n'); i >= 0; i = buf.indexOf('\n')) {
        const l = JSON.parse(buf.slice(0, i)) as Record<string, unknown>;
        buf = buf.slice(i + 1);
        lines.push(l);
        lastLine = Date.now();
        onLine?.(l, () => child.kill('SIGKILL'));
      }
    });
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    child.on('error', reject);
    child.on('exit', (code, signal) => {
      clearTimeout(guard);
      if (code !== 0 && signal === null) reject(new Error(`child exited ${code}: ${stderr}`));
      else resolve({ lines, code, signal, exitLagMs: Date.now() - lastLine });
    });
  });
}

