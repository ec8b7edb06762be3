/**
 * The README's first example, run as written (with a fake model), so it keeps compiling.
 */
import { expect, it } from 'vitest';
import { z } from 'zod';
import { definePrompt, untrusted, untrustedText } from '../src/index';
import { fakeModel } from './helpers';

const html = '<p>Cats sleep 16 hours a day.</p>';
const model = fakeModel('```json\n{"summary": "Cats sleep a lot.", "keywords": ["cats"]}\n```');

it('runs the README example', async () => {
  const summarize = definePrompt({
    id: 'summarize',
    version: 2,
    input: z.object({
      page: untrustedText(),
      words: z.number().int(),
      tone: z.string().optional(),
    }),
    system: 'You summarise web pages{{#if tone}} in a {{tone}} tone{{/if}}.',
    template: 'Summarise in {{words}} words:\n\n{{page}}',
    output: z.object({ summary: z.string(), keywords: z.array(z.string()) }),
    budget: { maxTokens: 8_000 },
  });

  const messages = await summarize.render({
    page: untrusted(html, { source: 'web:example.com' }),
    words: 50,
  });
  const result = await model.generate({ messages, metadata: { promptId: summarize.key } });
  const { summary, keywords } = summarize.parseOutput(result.text);

  expect(messages.map((m) => m.role)).toEqual(['system', 'user']);
  expect(messages[1]?.content).toMatch(
    /<untrusted-[0-9a-f]{16} source="web:example.com" mode="fence">\n<p>Cats/,
  );
  expect({ summary, keywords }).toEqual({ summary: 'Cats sleep a lot.', keywords: ['cats'] });
});
