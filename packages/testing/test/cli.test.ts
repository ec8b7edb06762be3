/**
 * The built keel-mock binary, started as a user would start it.
 */
import { type ChildProcessWithoutNullStreams, spawn } from 'node:child_process';
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';

// The installed command, as package managers link it (it runs the built dist/cli.js).
const cli = fileURLToPath(new URL('../bin/keel-mock.js', import.meta.url));
let child: ChildProcessWithoutNullStreams | undefined;
afterEach(() => child?.kill('SIGTERM'));

function start(args: string[]): Promise<{ url: string; output: () => string }> {
  child = spawn(process.execPath, [cli, ...args]);
  let output = '';
  child.stdout.on('data', (chunk) => {
    output += chunk;
  });
  child.stderr.on('data', (chunk) => {
    output += chunk;
  });
  return new Promise((resolve, reject) => {
    child?.stdout.on('data', () => {
      const match = /listening on (http:\/\/\S+)/.exec(output);
      if (match?.[1]) resolve({ url: match[1], output: () => output });
    });
    child?.on('exit', (code) => reject(new Error(`keel-mock exited with ${code}: ${output}`)));
  });
}

describe('keel-mock CLI', () => {
  it('is linked from a file that exists before the build, so install can link it', async () => {
    const manifest = JSON.parse(
      await readFile(fileURLToPath(new URL('../package.json', import.meta.url)), 'utf8'),
    ) as { bin: Record<string, string>; files: string[] };
    expect(manifest.bin).toEqual({ 'keel-mock': './bin/keel-mock.js' });
    expect(manifest.files).toContain('bin');
    const target = new URL(manifest.bin['keel-mock'] ?? '', new URL('../', import.meta.url));
    expect(fileURLToPath(target)).toBe(cli);
  });

  it('serves a scenario file and logs each request', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'keel-cli-'));
    const scenario = join(dir, 'scenario.json');
    await writeFile(scenario, JSON.stringify({ 'openai.chat': [{ text: 'from the scenario' }] }));
    const { url, output } = await start(['--port', '0', '--scenario', scenario]);
    expect(output()).toContain(`OPENAI_BASE_URL=${url}/v1`);
    const response = await fetch(`${url}/v1/chat/completions`, {
      method: 'POST',
      headers: { authorization: 'Bearer k', 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'hi' }] }),
    });
    const body = (await response.json()) as { choices: Array<{ message: { content: string } }> };
    expect(body.choices[0]?.message.content).toBe('from the scenario');
    await expect.poll(output).toMatch(/POST \/v1\/chat\/completions 200 \d+ms/);
  });

  it('exits with a clear message for a bad scenario or port', async () => {
    const run = (args: string[]) =>
      new Promise<{ code: number | null; stderr: string }>((resolve) => {
        const proc = spawn(process.execPath, [cli, ...args]);
        let stderr = '';
        proc.stderr.on('data', (chunk) => {
          stderr += chunk;
        });
        proc.on('exit', (code) => resolve({ code, stderr }));
      });
    const badPort = await run(['--port', 'eighty']);
    expect(badPort).toMatchObject({
      code: 2,
      stderr: expect.stringContaining('--port must be an integer from 0 to 65535, got "eighty"'),
    });
    const missing = await run(['--port', '0', '--scenario', '/nonexistent/scenario.json']);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/Could not load scenario \/nonexistent\/scenario\.json/);
  });
});
