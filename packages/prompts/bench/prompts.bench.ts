/**
 * @keel/prompts as published (the built dist/), in one process against its peers: rendering a
 * prompt against Mustache (plus the same zod validation) and a hand-written template literal;
 * fencing, scoring and the budget check on inputs of realistic and hostile sizes.
 */
import { loadEncoding } from '@keel/tokens';
import Mustache from 'mustache';
import { bench, describe } from 'vitest';
import { z } from 'zod';
import {
  definePrompt,
  fenceUntrusted,
  scoreInjection,
  untrusted,
  untrustedText,
} from '../dist/index.js';

const input = z.object({
  product: z.string(),
  question: z.string(),
  vip: z.boolean(),
  facts: z.array(z.object({ name: z.string(), value: z.string() })),
});
const view = {
  product: 'Keel',
  question: 'How do I pin a prompt version?',
  vip: true,
  facts: Array.from({ length: 10 }, (_, i) => ({
    name: `fact ${i}`,
    value: `value ${i} {{not syntax}}`,
  })),
};
const system =
  'You are the support assistant of {{product}}.{{#vip}} The customer is a VIP.{{/vip}}';
const user = 'Facts:\n{{#facts}}- {{name}}: {{value}}\n{{/facts}}\nQuestion: {{question}}';
const prompt = definePrompt({
  id: 'support',
  version: 1,
  input,
  system: 'You are the support assistant of {{product}}.{{#if vip}} The customer is a VIP.{{/if}}',
  template:
    'Facts:\n{{#each facts as f}}- {{f.name}}: {{f.value}}\n{{/each}}\nQuestion: {{question}}',
});
const noEscape = { escape: (text: string) => text };

describe('render a prompt: validate 4 variables, a loop of 10, two messages', () => {
  bench('@keel/prompts prompt.render', async () => {
    await prompt.render(view);
  });
  bench('zod + Mustache.render', () => {
    const values = input.parse(view);
    [
      { role: 'system', content: Mustache.render(system, values, {}, noEscape) },
      { role: 'user', content: Mustache.render(user, values, {}, noEscape) },
    ];
  });
  bench('zod + template literal (hand-written baseline)', () => {
    const v = input.parse(view);
    [
      {
        role: 'system',
        content: `You are the support assistant of ${v.product}.${v.vip ? ' The customer is a VIP.' : ''}`,
      },
      {
        role: 'user',
        content: `Facts:\n${v.facts.map((f) => `- ${f.name}: ${f.value}\n`).join('')}\nQuestion: ${v.question}`,
      },
    ];
  });
});

const page =
  'The quick brown fox jumps over the lazy dog. <b>Bold</b> \u200B and more text.\n'.repeat(1_300);

describe(`fence ${Math.round(page.length / 1024)} KB of untrusted text`, () => {
  bench('fenceUntrusted, fence', () => {
    fenceUntrusted(page, { source: 'web' });
  });
  bench('fenceUntrusted, datamark', () => {
    fenceUntrusted(page, { source: 'web', mode: 'datamark' });
  });
  bench('fenceUntrusted, base64', () => {
    fenceUntrusted(page, { source: 'web', mode: 'base64' });
  });
  bench('baseline: escape < only', () => {
    page.replaceAll('<', '&lt;');
  });
});

const article = `${'Cats sleep between twelve and sixteen hours a day, more when they are kittens or old. '.repeat(20)}\n![cat](https://cdn.example.com/cat.png)`;

describe(`score ${Math.round(article.length / 1024)} KB of text for injection`, () => {
  bench('scoreInjection (all rules)', () => {
    scoreInjection(article);
  });
  bench('baseline: one regex for "ignore previous instructions"', () => {
    /ignore (all )?previous instructions/i.test(article);
  });
});

const encoding = await loadEncoding('o200k_base');
const megabyte = 'lorem ipsum dolor sit amet '.repeat(40_000);
const budgeted = definePrompt({
  id: 'budgeted',
  version: 1,
  input: z.object({ page: untrustedText() }),
  template: 'Summarise:\n{{page}}',
  budget: { maxTokens: 4_000 },
});

describe('a 1 MB input against a 4,000-token budget', () => {
  bench('prompt.render refuses it before rendering', async () => {
    await budgeted
      .render({ page: untrusted(megabyte, { source: 'upload' }) })
      .catch(() => undefined);
  });
  bench('counting the whole input first (what a check after rendering costs)', () => {
    encoding.count(megabyte);
  });
});
