import { describe, expect, it } from 'vitest';
import { openaiClient, useMockProvider } from '../../test/helpers';

const env = useMockProvider();

const norm = (v: number[]) => Math.hypot(...v);

describe('OpenAI embeddings', () => {
  it('serves the base64 encoding the SDK asks for by default, decoded to unit vectors', async () => {
    const result = await openaiClient(env.mock).embeddings.create({
      model: 'text-embedding-3-small',
      input: ['alpha', 'beta'],
    });
    expect(env.mock.requests.at(-1)?.body).toMatchObject({ encoding_format: 'base64' });
    expect(result.data.map((d) => d.index)).toEqual([0, 1]);
    expect(result.data[0]?.embedding).toHaveLength(1536);
    expect(norm(result.data[0]?.embedding ?? [])).toBeCloseTo(1, 5);
    expect(result.data[0]?.embedding).not.toEqual(result.data[1]?.embedding);
    expect(result.usage.prompt_tokens).toBeGreaterThan(0);
  });

  it('derives the same vector from the same text, as floats when asked, at the requested size', async () => {
    const openai = openaiClient(env.mock);
    const a = await openai.embeddings.create({
      model: 'text-embedding-3-large',
      input: 'same',
      encoding_format: 'float',
      dimensions: 256,
    });
    const b = await openai.embeddings.create({
      model: 'text-embedding-3-large',
      input: 'same',
      encoding_format: 'float',
      dimensions: 256,
    });
    expect(a.data[0]?.embedding).toHaveLength(256);
    expect(a.data[0]?.embedding).toEqual(b.data[0]?.embedding);
  });

  it('returns scripted vectors exactly (float32 round-trip for base64)', async () => {
    env.mock.enqueue('openai.embeddings', { embeddings: [[0.5, -0.25, 1]] });
    const result = await openaiClient(env.mock).embeddings.create({
      model: 'text-embedding-3-small',
      input: 'x',
    });
    expect(result.data[0]?.embedding).toEqual([0.5, -0.25, 1]);
  });
});
