/**
 * One megabyte of mixed log text: JSON log lines and plain lines with prose, numbers, ids,
 * URLs and stack traces, with a secret or some PII in about one line in twenty, as an
 * application's logs look. Deterministic (seeded).
 */

function prng(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state * 1_103_515_245 + 12_345) >>> 0;
    return state / 4_294_967_296;
  };
}

const LINES = [
  (n: number) =>
    `{"level":"info","time":"2026-11-21T10:${String(n % 60).padStart(2, '0')}:00Z","msg":"request completed","path":"/api/v1/orders/${n}","status":200,"latency_ms":${n % 900}}`,
  (n: number) =>
    `GET /static/app.${n.toString(16)}.js 304 1.2ms - "Mozilla/5.0 (X11; Linux x86_64)"`,
  (n: number) =>
    `Error: connect ECONNREFUSED 10.0.${n % 255}.12:5432\n    at TCPConnectWrap.afterConnect [as oncomplete] (node:net:1555:16)`,
  (n: number) =>
    `The user asked about order ${n} and the assistant answered with the refund policy in 3 sentences.`,
  (n: number) =>
    `{"level":"warn","msg":"retrying","attempt":${(n % 3) + 1},"delay_ms":${n % 2000},"model":"gpt-4o-mini","trace_id":"${n.toString(16).padStart(32, '0')}"}`,
  (n: number) =>
    `job ${n} finished: 1,204 rows imported, 3 skipped, took 4.81 s (version 2.14.${n % 10})`,
];

const SENSITIVE = [
  (n: number) =>
    `{"level":"error","msg":"auth failed","authorization":"Bearer ${n.toString(36)}abcDEF123456ghiJKL789"}`,
  (n: number) =>
    `contact jane.doe${n}@example.com or +44 20 7946 ${String(n % 10_000).padStart(4, '0')}`,
  () => 'payment with card 4111 1111 1111 1111 declined',
  (n: number) =>
    `OPENAI_API_KEY=sk-proj-${n.toString(36)}Qx2Lw8Zr1Tb6Yc3Nd7Vh5Jm0Kp2Ws loaded from env`,
];

/** About `bytes` characters of mixed log text. */
export function mixedLogText(bytes = 1_048_576, seed = 11): string {
  const random = prng(seed);
  const lines: string[] = [];
  let size = 0;
  for (let n = 0; size < bytes; n++) {
    const pool = random() < 0.05 ? SENSITIVE : LINES;
    const line = (pool[Math.floor(random() * pool.length)] as (n: number) => string)(n);
    lines.push(line);
    size += line.length + 1;
  }
  return lines.join('\n').slice(0, bytes);
}
