import type { FilePart, ImagePart } from '@keel/core';
import { encodeBase64 } from '@keel/core/internal';
import { samplePdf, samplePng } from '@keel/testing';
import { describe, expect, it } from 'vitest';
import { countMessageTokens } from './count-message-tokens';
import { imageTokens, PDF_PAGE_TOKENS, pdfTokens } from './media-tokens';

const image = (width: number, height: number): ImagePart => ({
  type: 'image',
  source: { type: 'bytes', data: samplePng(width, height) },
});

const pdf = (pages: number): FilePart => ({
  type: 'file',
  source: { type: 'base64', mediaType: 'application/pdf', data: encodeBase64(samplePdf(pages)) },
});

describe('imageTokens', () => {
  it("follows OpenAI's tile rule, as its worked examples", () => {
    // 1024 x 1024: scaled to 768 x 768, four tiles.
    expect(imageTokens(image(1024, 1024), 'openai')).toBe(765);
    // 2048 x 4096: fitted to 1024 x 2048, then 768 x 1536, six tiles.
    expect(imageTokens(image(2048, 4096), 'openai')).toBe(1105);
    // 512 x 512 stays one tile.
    expect(imageTokens(image(512, 512), 'openai')).toBe(255);
  });

  it("follows Anthropic's width * height / 750, scaled down past 1,568 px or 1.15 MP", () => {
    expect(imageTokens(image(200, 200), 'anthropic')).toBe(54);
    expect(imageTokens(image(1000, 1000), 'anthropic')).toBe(1334);
    // 1092 x 1092 is at the documented limit (~1,590 tokens); larger images cost no more.
    expect(imageTokens(image(1092, 1092), 'anthropic')).toBe(1590);
    // 4000 x 3000: 1568 x 1176, then about 1.15 MP: 1264 x 948.
    expect(imageTokens(image(4000, 3000), 'anthropic')).toBe(1598);
  });

  it('counts an image of unknown size as a 1024 x 1024 image', () => {
    const byUrl: ImagePart = {
      type: 'image',
      source: { type: 'url', url: 'https://x.test/a.png' },
    };
    expect(imageTokens(byUrl, 'openai')).toBe(765);
    expect(imageTokens(byUrl, 'anthropic')).toBe(1600);
  });
});

describe('pdfTokens', () => {
  it('counts each page of a PDF', () => {
    expect(pdfTokens(pdf(3))).toBe(3 * PDF_PAGE_TOKENS);
  });

  it('puts images, PDFs and text documents into a message count', async () => {
    const text: FilePart = {
      type: 'file',
      source: {
        type: 'bytes',
        mediaType: 'text/plain',
        data: new TextEncoder().encode('hello world'),
      },
    };
    const content = [image(1000, 1000), pdf(2), text];
    const bare = await countMessageTokens([{ role: 'user', content: [] }], { model: 'gpt-4o' });
    const full = await countMessageTokens([{ role: 'user', content }], { model: 'gpt-4o' });
    // 1000 x 1000 for OpenAI: 768 x 768, four tiles; "hello world" is 2 tokens.
    expect(full.tokens - bare.tokens).toBe(765 + 2 * PDF_PAGE_TOKENS + 2);
    expect(full.exact).toBe(false);
  });
});

describe("files in Anthropic's count_tokens request", () => {
  it('sends images and documents as blocks, typing raw bytes by their magic bytes', async () => {
    const sent: unknown[] = [];
    const client = {
      messages: {
        countTokens: async (params: { messages: unknown[] }) => {
          sent.push(params.messages);
          return { input_tokens: 10 };
        },
      },
    };
    const gif = Uint8Array.from([0x47, 0x49, 0x46, 0x38, 0x39, 0x61, 1, 0, 1, 0]);
    const notes: FilePart = {
      type: 'file',
      source: {
        type: 'bytes',
        mediaType: 'text/plain',
        data: new TextEncoder().encode('Q3 grew.'),
      },
      filename: 'notes.txt',
      citations: true,
    };
    const content = [
      { type: 'image' as const, source: { type: 'bytes' as const, data: gif } },
      notes,
    ];
    await countMessageTokens([{ role: 'user', content }], { model: 'claude-haiku-4-5', client });
    expect(sent[0]).toEqual([
      {
        role: 'user',
        content: [
          {
            type: 'image',
            source: { type: 'base64', media_type: 'image/gif', data: encodeBase64(gif) },
          },
          {
            type: 'document',
            source: { type: 'text', media_type: 'text/plain', data: 'Q3 grew.' },
            title: 'notes.txt',
            citations: { enabled: true },
          },
        ],
      },
    ]);
  });
});
