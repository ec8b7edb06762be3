import { describe, expect, it } from 'vitest';
import { createOutputGuard } from './output-guard';

/**
 * The output guard on 64 KB of text built to make a backtracking reader rescan: long runs that
 * almost make a link, a title, a definition, a fence or a delimiter row. A linear guard takes
 * tens of milliseconds here; the link reader it replaced took 1.15 s on `](` and 300 spaces, so
 * hours on these. No test here reads the clock: a superlinear reader runs into the test's timeout
 * (three minutes, far above a linear guard's time on a loaded machine).
 */
const SIZE = 64 * 1024;
const fill = (prefix: string, unit: string) =>
  prefix + unit.repeat(Math.ceil((SIZE - prefix.length) / unit.length));

const HOSTILE: [prefix: string, unit: string][] = [
  ['x](', ' '],
  ['[a](', ' '],
  ['![a](', '\t'],
  ['[a](', ' \n'],
  ['[a](u "', ' '],
  ['[a](', '('],
  ['[a](', '\\a'],
  ['[a](<', 'a'],
  ['[a]: ', ' '],
  ['', '[a\\]'],
  ['', '](x '],
  ['', '| '],
  ['> ', '- \t'],
  ['', 'www.('],
  ['- ', '<www.'],
  ['`a|b`\n', '|\t'],
];

describe('the output guard reads hostile text in linear time', { timeout: 180_000 }, () => {
  for (const maxHeldChars of [8_192, 2 * SIZE]) {
    it.each(HOSTILE)(`%j then %j repeated (maxHeldChars ${maxHeldChars})`, (prefix, unit) => {
      const guard = createOutputGuard({ allowedHosts: ['allowed.com'], maxHeldChars });
      expect(guard.guardText(fill(prefix, unit))).toEqual(expect.any(String));
    });
  }
});
