/**
 * The README's quick start, read from README.md and run against the source with a fake model,
 * so a README change that breaks it fails here.
 */
import { readFileSync } from 'node:fs';
import type { Message } from '@keel/core';
import { readmeExample, runExample } from '@keel/readme-examples';
import { expect, it } from 'vitest';
import * as zod from 'zod';
import * as prompts from '../src/index';
import { fakeModel } from './helpers';

it('runs the README quick start', async () => {
  const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');
  const { messages, summary, keywords } = (await runExample(readmeExample(readme, 'quick-start'), {
    modules: { '@keel/prompts': prompts, zod },
    scope: {
      html: '<p>Cats sleep 16 hours a day.</p>',
      model: fakeModel('```json\n{"summary": "Cats sleep a lot.", "keywords": ["cats"]}\n```'),
    },
  })) as { messages: Message[]; summary: string; keywords: string[] };

  expect(messages.map((m) => m.role)).toEqual(['system', 'user']);
  expect(messages[1]?.content).toMatch(
    /<untrusted-[0-9a-f]{16} source="web:example.com" mode="fence">\n<p>Cats/,
  );
  expect({ summary, keywords }).toEqual({ summary: 'Cats sleep a lot.', keywords: ['cats'] });
});
