import { describe, expect, it } from 'vitest';
import { decodeBase64, encodeBase64, inspectMedia } from './inspect-media';

const bytes = (...parts: Array<string | number[]>) =>
  Uint8Array.from(
    parts.flatMap((part) =>
      typeof part === 'string' ? [...part].map((char) => char.charCodeAt(0)) : part,
    ),
  );

/** A PNG signature and IHDR chunk for a `width` x `height` image. */
const png = (width: number, height: number) =>
  bytes(
    [0x89],
    'PNG\r\n',
    [0x1a, 0x0a, 0, 0, 0, 13],
    'IHDR',
    [width >>> 24, (width >>> 16) & 255, (width >>> 8) & 255, width & 255],
    [height >>> 24, (height >>> 16) & 255, (height >>> 8) & 255, height & 255],
  );

describe('inspectMedia', () => {
  it('reads the size of PNG, GIF, JPEG and WebP images', () => {
    expect(inspectMedia(png(1200, 800))).toEqual({
      mediaType: 'image/png',
      width: 1200,
      height: 800,
    });
    expect(inspectMedia(bytes('GIF89a', [0x40, 0x01, 0xf0, 0x00]))).toEqual({
      mediaType: 'image/gif',
      width: 320,
      height: 240,
    });
    // SOI, an APP0 segment of 16 bytes, then SOF0 with height 480 and width 640.
    const jpeg = bytes(
      [0xff, 0xd8, 0xff, 0xe0, 0x00, 0x10],
      new Array(14).fill(0),
      [0xff, 0xc0, 0x00, 0x11, 0x08, 0x01, 0xe0, 0x02, 0x80, 0x03],
    );
    expect(inspectMedia(jpeg)).toEqual({ mediaType: 'image/jpeg', width: 640, height: 480 });
    const webp = bytes(
      'RIFF',
      [0, 0, 0, 0],
      'WEBPVP8X',
      [10, 0, 0, 0, 0, 0, 0, 0],
      [0x1f, 0x03, 0x00, 0xdf, 0x01, 0x00],
    );
    expect(inspectMedia(webp)).toEqual({ mediaType: 'image/webp', width: 800, height: 480 });
  });

  it('counts the pages of a PDF, not its page tree', () => {
    const pdf = bytes(
      '%PDF-1.7\n1 0 obj << /Type /Pages /Count 2 >>\n',
      '<< /Type /Page >>',
      '<</Type/Page>>',
    );
    expect(inspectMedia(pdf)).toEqual({ mediaType: 'application/pdf', pages: 2 });
  });

  it('names no type for bytes of any other format', () => {
    expect(inspectMedia(bytes('<svg xmlns="http://www.w3.org/2000/svg"/>'))).toEqual({
      mediaType: undefined,
    });
    expect(inspectMedia(new Uint8Array())).toEqual({ mediaType: undefined });
  });
});

describe('base64', () => {
  it('round-trips bytes, reads URL-safe and unpadded input, and refuses anything else', () => {
    const data = Uint8Array.from({ length: 40_000 }, (_, index) => index % 251);
    expect(decodeBase64(encodeBase64(data))).toEqual(data);
    expect(decodeBase64('-_8')).toEqual(Uint8Array.from([0xfb, 0xff]));
    expect(decodeBase64('data:image/png;base64,iVBOR')).toBeUndefined();
    expect(decodeBase64('abcde')).toBeUndefined();
  });
});
