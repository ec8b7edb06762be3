import type { FilePart, ImagePart } from '@keel/core';
import { samplePdf, samplePng } from '@keel/testing';
import { describe, expect, it } from 'vitest';
import { InvalidFileError, UnsupportedOptionError } from '../src/index';
import { bodyOf, useMock } from './helpers';

const env = useMock();

const base64 = (bytes: Uint8Array) => Buffer.from(bytes).toString('base64');

const image: ImagePart = { type: 'image', source: { type: 'bytes', data: samplePng(64, 64) } };
const pdf: FilePart = {
  type: 'file',
  source: { type: 'bytes', data: samplePdf(2) },
  filename: 'report.pdf',
};
const question = (...parts: Array<ImagePart | FilePart>) => ({
  messages: [
    { role: 'user' as const, content: [{ type: 'text' as const, text: 'Summarise.' }, ...parts] },
  ],
});

const failure = (promise: Promise<unknown>) => promise.catch((caught: unknown) => caught);

describe('file parts', () => {
  it('sends image bytes and a PDF to Chat Completions as data URLs, typed from their bytes', async () => {
    await env.openai().generate(question(image, pdf));
    const [message] = bodyOf(env.mock).messages as Array<{ content: unknown[] }>;
    expect(message?.content.slice(1)).toEqual([
      {
        type: 'image_url',
        image_url: { url: `data:image/png;base64,${base64(samplePng(64, 64))}` },
      },
      {
        type: 'file',
        file: {
          filename: 'report.pdf',
          file_data: `data:application/pdf;base64,${base64(samplePdf(2))}`,
        },
      },
    ]);
  });

  it('sends PDFs to the Responses API by data or by URL', async () => {
    const byUrl: FilePart = { type: 'file', source: { type: 'url', url: 'https://x.test/a.pdf' } };
    await env.openai({ api: 'responses' }).generate(question(pdf, byUrl));
    const [item] = bodyOf(env.mock).input as Array<{ content: unknown[] }>;
    expect(item?.content.slice(1)).toEqual([
      {
        type: 'input_file',
        filename: 'report.pdf',
        file_data: `data:application/pdf;base64,${base64(samplePdf(2))}`,
      },
      { type: 'input_file', file_url: 'https://x.test/a.pdf' },
    ]);
  });

  it('sends images and documents to Anthropic as blocks, text documents as text, citations on', async () => {
    const notes: FilePart = {
      type: 'file',
      source: {
        type: 'base64',
        mediaType: 'text/plain',
        data: base64(new TextEncoder().encode('Q3 grew.')),
      },
      filename: 'notes.txt',
      citations: true,
    };
    const byUrl: ImagePart = {
      type: 'image',
      source: { type: 'url', url: 'https://x.test/a.png' },
    };
    await env.anthropic().generate(question(image, pdf, notes, byUrl));
    const [message] = bodyOf(env.mock).messages as Array<{ content: unknown[] }>;
    expect(message?.content.slice(1)).toEqual([
      {
        type: 'image',
        source: { type: 'base64', media_type: 'image/png', data: base64(samplePng(64, 64)) },
      },
      {
        type: 'document',
        source: { type: 'base64', media_type: 'application/pdf', data: base64(samplePdf(2)) },
        title: 'report.pdf',
      },
      {
        type: 'document',
        source: { type: 'text', media_type: 'text/plain', data: 'Q3 grew.' },
        title: 'notes.txt',
        citations: { enabled: true },
      },
      { type: 'image', source: { type: 'url', url: 'https://x.test/a.png' } },
    ]);
  });

  it('sends URL-safe or unpadded base64 in the standard form providers take', async () => {
    // Trailing bytes that encode to '+' and '/' (URL-safe: '-' and '_'), with padding.
    const bytes = Uint8Array.from([...samplePng(3, 3), 0xfb, 0xff]);
    const standard = Buffer.from(bytes).toString('base64');
    const urlSafe = Buffer.from(bytes).toString('base64url');
    expect(urlSafe).not.toBe(standard);
    const part: ImagePart = {
      type: 'image',
      source: { type: 'base64', mediaType: 'image/png', data: urlSafe },
    };
    await env.anthropic().generate(question(part));
    const [message] = bodyOf(env.mock).messages as Array<{ content: unknown[] }>;
    expect(message?.content[1]).toMatchObject({ source: { data: standard } });
  });

  it('refuses, before sending, bytes that are no image, a type that contradicts them, bad base64', async () => {
    const svg: ImagePart = {
      type: 'image',
      source: { type: 'bytes', data: new TextEncoder().encode('<svg/>') },
    };
    const lying: ImagePart = {
      type: 'image',
      source: { type: 'bytes', mediaType: 'image/jpeg', data: samplePng(8, 8) },
    };
    const prefixed: ImagePart = {
      type: 'image',
      source: {
        type: 'base64',
        mediaType: 'image/png',
        data: `data:image/png;base64,${base64(samplePng(8, 8))}`,
      },
    };
    const reasons = [];
    for (const part of [svg, lying, prefixed]) {
      const error = await failure(env.anthropic().generate(question(part)));
      expect(InvalidFileError.isInstance(error)).toBe(true);
      reasons.push((error as InvalidFileError).reason);
    }
    expect(reasons).toEqual(['unknown-type', 'type-mismatch', 'not-base64']);
    expect(env.mock.requests).toHaveLength(0);
  });

  it('refuses files over the provider limits and sources the API does not read', async () => {
    const data = new Uint8Array(4 * 1024 * 1024);
    data.set(samplePng(8, 8));
    const huge: ImagePart = { type: 'image', source: { type: 'bytes', data } };
    const tooLarge = await failure(env.anthropic().generate(question(huge)));
    expect(tooLarge).toMatchObject({
      name: 'InvalidFileError',
      reason: 'too-large',
      provider: 'anthropic',
    });
    expect((tooLarge as Error).message).toMatch(
      /^request\.messages\[0\]\.content\[1\]: the file is 4\.0 MiB/,
    );

    const long: FilePart = { type: 'file', source: { type: 'bytes', data: samplePdf(101) } };
    const tooLong = await failure(env.anthropic().generate(question(long)));
    expect(tooLong).toMatchObject({ reason: 'too-many-pages' });

    const byUrl: FilePart = { type: 'file', source: { type: 'url', url: 'https://x.test/a.pdf' } };
    expect(await failure(env.openai().generate(question(byUrl)))).toMatchObject({
      reason: 'unsupported',
    });

    const text: FilePart = {
      type: 'file',
      source: { type: 'bytes', mediaType: 'text/plain', data: new TextEncoder().encode('hi') },
    };
    expect(await failure(env.openai().generate(question(text)))).toMatchObject({
      reason: 'unsupported',
    });

    const cited: FilePart = { ...pdf, citations: true };
    expect(
      UnsupportedOptionError.isInstance(await failure(env.openai().generate(question(cited)))),
    ).toBe(true);
    expect(env.mock.requests).toHaveLength(0);
  });
});
