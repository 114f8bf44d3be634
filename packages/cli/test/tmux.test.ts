/**
 * A real terminal: `stowage cp` of a 200 MiB file into `stowage serve` runs in
 * a tmux pane (120x30); capture-pane shows the progress bar drawn in place and
 * ending at 100 %. A second run gets Ctrl-C (send-keys C-c) mid-transfer and
 * must exit 130 with no multipart upload left on the server.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, rmSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomFillSync } from 'node:crypto';
import { createS3Store } from '@stowage/s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BIN, CI, runCli, SERVE_KEYS, startServe, type ServeProcess } from './support/cli.js';

const hasTmux = spawnSync('tmux', ['-V']).status === 0;
if (!hasTmux) {
  const message = '@stowage/cli terminal test needs tmux (apt-get install -y tmux; scripts/servers/install.sh installs it)';
  if (CI) throw new Error(`${message} (CI=true: not skipping)`);
  console.warn(`${message} — skipping it`);
}

/** A private tmux server: never touches the user's sessions. */
const SOCKET = `stowage-cli-test-${process.pid}`;
const tmux = (...args: string[]) => execFileSync('tmux', ['-L', SOCKET, ...args], { encoding: 'utf8' });
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

const dir = mkdtempSync(join(tmpdir(), 'stowage-cli-tmux-'));
const file = join(dir, 'big.bin');
const SIZE = 200 * 1024 * 1024;
let server: ServeProcess;

beforeAll(async () => {
  if (!hasTmux) return;
  // 200 MiB of random bytes, written 4 MiB at a time
  const fd = openSync(file, 'w');
  const block = Buffer.alloc(4 * 1024 * 1024);
  for (let written = 0; written < SIZE; written += block.length) writeSync(fd, randomFillSync(block));
  closeSync(fd);
  server = await startServe();
  const mb = await runCli(['mb', 's3://term'], { env: { ...SERVE_KEYS, STOWAGE_ENDPOINT: server.url } });
  expect(mb.code, mb.stderr).toBe(0);
});

afterAll(async () => {
  if (!hasTmux) return;
  spawnSync('tmux', ['-L', SOCKET, 'kill-server']);
  await server?.stop();
  rmSync(dir, { recursive: true, force: true });
});

/** Starts `stowage …args` in a detached 120x30 pane; the pane stays after it exits, showing `EXIT:<code>`. */
function startInPane(session: string, args: string[]): void {
  const env = `STOWAGE_ENDPOINT=${server.url} STOWAGE_ACCESS_KEY_ID=${SERVE_KEYS.STOWAGE_ACCESS_KEY_ID} STOWAGE_SECRET_ACCESS_KEY=${SERVE_KEYS.STOWAGE_SECRET_ACCESS_KEY}`;
  const quoted = args.map((a) => `'${a.replace(/'/g, `'\\''`)}'`).join(' ');
  const command = `env ${env} '${process.execPath}' '${BIN}' ${quoted}; echo "EXIT:$?"; sleep 600`;
  tmux('new-session', '-d', '-s', session, '-x', '120', '-y', '30', 'bash', '-c', command);
}

const capture = (session: string) => tmux('capture-pane', '-p', '-t', session);

/** Polls the pane until `test` passes (or fails after `ms`); returns every capture seen. */
async function waitFor(session: string, test: (screen: string) => boolean, ms: number): Promise<string[]> {
  const seen: string[] = [];
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    const screen = capture(session);
    seen.push(screen);
    if (test(screen)) return seen;
    await sleep(100);
  }
  throw new Error(`the pane never showed what was expected within ${ms} ms; last capture:\n${seen.at(-1)}`);
}

/** The bar line: label, bar, percentage, bytes, rate, ETA, parts done / total. */
const BAR = /big\.bin +\[[█░]{10,}\] +(\d{1,3})% +[\d.]+ (?:B|KiB|MiB) \/ 200\.0 MiB +[\d.]+ (?:B|KiB|MiB|GiB)\/s +ETA \S+ +parts (\d+)\/(\d+)/;

describe.skipIf(!hasTmux)('stowage cp in a terminal (tmux)', () => {
  it('draws a progress bar in place that ends at 100 %', async () => {
    startInPane('upload', ['cp', file, 's3://term/big.bin', '--concurrency', '2']);
    const screens = await waitFor('upload', (s) => /EXIT:\d+/.test(s), 180_000);
    const final = screens.at(-1)!;
    expect(final, final).toMatch(/EXIT:0/);
    // it was drawn while the transfer ran, not only at the end
    const percentages = screens.flatMap((s) => (BAR.exec(s) ? [Number(BAR.exec(s)![1])] : []));
    expect(percentages.some((p) => p < 100), percentages.join(' ')).toBe(true);
    const barLines = final.split('\n').filter((l) => BAR.test(l));
    // one bar line (redrawn in place, not scrolled), at 100 %
    expect(barLines, final).toHaveLength(1);
    expect(BAR.exec(barLines[0]!)![1]).toBe('100');
    expect(barLines[0]).toMatch(/\[█{10,}\]/);
    const [, , done, total] = BAR.exec(barLines[0]!)!;
    expect(done).toBe(total); // every part acknowledged
    expect(final).toMatch(/upload: .*big\.bin → s3:\/\/term\/big\.bin {2}200\.0 MiB in [\d.]+ s/);
    tmux('kill-session', '-t', 'upload');
  });

  it('Ctrl-C mid-transfer exits 130 and leaves no multipart upload on the server', async () => {
    // throttled so that the interrupt lands mid-transfer whatever the machine's speed
    startInPane('interrupt', ['cp', file, 's3://term/interrupted.bin', '--max-rate', '20MiB', '--part-size', '8MiB']);
    const progress = await waitFor(
      'interrupt',
      (s) => {
        const m = BAR.exec(s);
        return m !== null && Number(m[1]) >= 10;
      },
      120_000,
    );
    expect(progress.at(-1)).not.toMatch(/EXIT:/);
    const store = createS3Store({ endpoint: server.url, region: server.region, credentials: { accessKeyId: SERVE_KEYS.STOWAGE_ACCESS_KEY_ID, secretAccessKey: SERVE_KEYS.STOWAGE_SECRET_ACCESS_KEY } });
    try {
      // the upload really is in progress on the server
      expect((await store.listUploads('term')).uploads.map((u) => u.key)).toEqual(['interrupted.bin']);
      tmux('send-keys', '-t', 'interrupt', 'C-c');
      const after = await waitFor('interrupt', (s) => /EXIT:\d+/.test(s), 60_000);
      const final = after.at(-1)!;
      expect(final, final).toMatch(/EXIT:130/);
      expect(final).toMatch(/stowage: interrupted \(Ctrl-C\)/);
      expect((await store.listUploads('term')).uploads).toEqual([]);
      expect(await store.bucketExists('term')).toBe(true);
      await expect(store.head('term', 'interrupted.bin')).rejects.toMatchObject({ code: 'ObjectNotFound' });
    } finally {
      await store.close();
      tmux('kill-session', '-t', 'interrupt');
    }
  });
});
