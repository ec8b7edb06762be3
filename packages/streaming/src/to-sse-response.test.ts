import { describe, expect, it } from 'vitest';
import { iterate } from './__fixtures__/fixtures';
import { toSSEResponse } from './to-sse-response';

describe('toSSEResponse', () => {
  it('answers with SSE headers, letting the caller add or override them', async () => {
    const response = toSSEResponse(iterate([{ ok: true }]), {
      headers: { 'x-request-id': 'r1', 'cache-control': 'no-store' },
      heartbeatMs: 0,
    });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('text/event-stream; charset=utf-8');
    expect(response.headers.get('cache-control')).toBe('no-store');
    expect(response.headers.get('x-request-id')).toBe('r1');
    expect(await response.text()).toBe('id: 0\ndata: {"ok":true}\n\n');
  });
});
