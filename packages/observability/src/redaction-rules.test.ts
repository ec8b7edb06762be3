import { describe, expect, it } from 'vitest';
import { createRedactor, redact } from './redact';
import {
  DEFAULT_REDACTION_RULES,
  ibanValid,
  luhnValid,
  RANDOM_TOKEN_RULE,
  shannonEntropy,
} from './redaction-rules';

// Synthetic values only: none of these is a live credential.
const cases: Record<string, { positive: string[]; negative: string[] }> = {
  'private-key': {
    positive: [
      '-----BEGIN RSA PRIVATE KEY-----\nMIIEowIBAAKCAQEAx4f\nQk2/abc==\n-----END RSA PRIVATE KEY-----',
      '-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAA', // truncated: no END line
      '-----BEGIN PGP PRIVATE KEY BLOCK-----\n\nlQOYBGXkZ3sBCADKx7\n=Qk2f\n-----END PGP PRIVATE KEY BLOCK-----',
      '-----BEGIN PRIVATE KEY-----\nMC4CAQAwBQYDK2VwBCIEIJ\n-----END PRIVATE KEY-----',
    ],
    negative: [
      '-----BEGIN PUBLIC KEY-----\nMCowBQYDK2VwAyEA\n-----END PUBLIC KEY-----',
      'a private key file',
    ],
  },
  jwt: {
    positive: [
      'eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U',
    ],
    negative: ['eyJhbGciOiJIUzI1NiJ9 is only a header', 'a.b.c'],
  },
  'anthropic-key': {
    positive: ['sk-ant-api03-Zx8Qw2Er4Ty6Ui8Op0As2Df4Gh6Jk8Lz0Xc2Vb4Nm6Q-AAAAA'],
    negative: ['sk-ant-api03-short'],
  },
  'openai-key': {
    positive: [
      'sk-proj-4f9Qx2Lw8Zr1Tb6Yc3Nd7Vh5Jm0Kp2Ws',
      'sk-Ab3De5Gh7Jk9Mn1Pq3St5Vw7Yz9Bc1Df3Gh5Jk7Lm9',
      'sk-svcacct-Qw1Er2Ty3Ui4Op5As6Df7Gh8Jk9Lz0',
    ],
    negative: [
      'scikit-learn is sk-learn',
      'sk-this-is-not-a-real-key-at-all',
      'task-management-system-v2-2024',
    ],
  },
  'github-token': {
    positive: [
      'ghp_aB3dE5gH7jK9mN1pQ3sT5vW7yZ9bC1dF3gH5',
      'github_pat_11ABCDEFG0abcdefghijkl_mnopqrstuvwxyz0123456789ABCDEFGHIJKLMNOPQRSTU',
    ],
    negative: ['ghp_short', 'the gh_pages branch'],
  },
  'slack-token': {
    positive: [
      'xoxb-1234567890-0987654321-AbCdEfGhIjKlMnOpQrStUvWx',
      'https://hooks.slack.com/services/T00000000/B00000000/XXXXXXXXXXXXXXXXXXXXXXXX',
    ],
    negative: ['xoxo hugs', 'https://hooks.slack.com/'],
  },
  'aws-access-key': {
    positive: ['AKIAIOSFODNN7EXAMPLE', 'ASIAY34FZKBOKMUTVV7A'],
    negative: ['AKIA is a prefix', 'AKIAIOSFODNN7EXAMPLEEXTRA'],
  },
  'gitlab-token': {
    positive: ['glpat-Xy7Zq2Wk9Lm4Np6Rs8Tv', 'gldt-Ab12Cd34Ef56Gh78Ij90Kl'],
    negative: ['glpat-short', 'the glance-at-it view'],
  },
  'stripe-key': {
    positive: [
      'sk_live_51Hx7Qw2Er4Ty6Ui8Op0As2Df',
      'rk_test_51Hx7Qw2Er4Ty6Ui8Op0As2Df',
      'whsec_Qw2Er4Ty6Ui8Op0As2Df4Gh6Jk8Lz0',
    ],
    negative: ['pk_live_51Hx7Qw2Er4Ty6Ui8Op0As2Df', 'sk_live_', 'risk_test_plan'],
  },
  'google-api-key': {
    positive: ['AIzaSyD3x9Qw2Er4Ty6Ui8Op0As2Df4Gh6Jk8Lz'],
    negative: ['AIzaSyD3x9Qw2Er4', 'AIza is a prefix'],
  },
  'sendgrid-key': {
    positive: ['SG.Qw2Er4Ty6Ui8Op0As2Df4.Gh6Jk8Lz0Xc2Vb4Nm6Qw8Er0Ty2Ui4Op6As8Df0Gh2'],
    negative: ['SG.1 is a section', 'e.g. SG.short.short'],
  },
  'huggingface-token': {
    positive: ['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'],
    negative: [
      'hf_model_name_for_the_tokenizer_files',
      'hf_short',
      'hf_abcdefghijklmnopqrstuvwxyzabcdef01',
    ],
  },
  'telegram-bot-token': {
    positive: [
      '7012345678:AAwxxPlACCQw2Er4Ty6UiD3ZIzbxdEedVU8',
      'https://api.telegram.org/bot7012345678:AAwxxPlACCQw2Er4Ty6UiD3ZIzbxdEedVU8/setWebhook',
    ],
    negative: ['at 10:30 AA batteries', '12345678:AAshort'],
  },
  'package-registry-token': {
    positive: [
      'npm_Qw2Er4Ty6Ui8Op0As2Df4Gh6Jk8Lz0Xc2Vb4',
      `pypi-AgEIcHlwaS5vcmc${'Qw2Er4Ty6Ui8'.repeat(5)}`,
    ],
    negative: ['npm_config_registry', 'pypi-package-name'],
  },
  'bearer-token': {
    positive: [
      'Authorization: Bearer abcDEF123456ghiJKL789',
      'Basic dXNlcjpwYXNzd29yZA==',
      'Authorization: Token abcdef123456xyz',
      '"authorization": "ak_live_0123456789abcdef"',
    ],
    negative: [
      'Bearer of bad news',
      'a basic idea',
      'authorization: required for every endpoint',
      'Authorization: Token expired',
    ],
  },
  'cli-user-password': {
    positive: [
      'curl -u otel:Kq7-Collector-9oHGHp9h https://x',
      "curl -s --user='ana:s3cr3t-Pw9' https://x",
    ],
    negative: [
      'curl -u ana:$PASSWORD https://x',
      'curl -u YOUR_USER:YOUR_PASSWORD https://x',
      'curl -u ana:password',
      'docker run --user www-data:www-data1 node',
      'rsync -u deploy@host:/srv/data2/ ./backup/',
    ],
  },
  'cli-header-secret': {
    positive: [
      'curl -H "X-Mock-Admin: Kq7mAdm1nUr4PLkO7m4dM" https://x',
      "curl --header 'X-Session: hc1k_zebdp2e64nz1ails' https://x",
    ],
    negative: [
      'curl -H "Content-Type: application/json"',
      'curl -H "Accept: application/vnd.github.v3+json" https://api.github.com',
      'curl -H "Idempotency-Key: 550e8400-e29b-41d4-a716-446655440000" https://x',
    ],
  },
  'url-credentials': {
    positive: [
      'postgres://admin:hunter2@db.internal:5432/app',
      'https://user:p4ss@example.org/x',
      'redis://:s3cretPass@cache:6379',
    ],
    negative: ['https://example.org/a:b@c', 'mailto:someone'],
  },
  'key-value-secret': {
    positive: [
      'api_key=Zm9vYmFyYmF6cXV4MTIzNDU2Nzg5',
      '"client_secret": "q8Wn3Zr5Tb7Yc9Nd1Vh3Jm5Kp"',
      'AWS_SECRET_ACCESS_KEY=wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY',
      'password: Tr0ub4dor&3xyzQ9',
      'Cookie: sid=Zm9vYmFyYmF6cXV4MTIz',
      '| `DB_PASSWORD` | Tr0ub4dor-3xyzQ9 |',
      '`SESSION_SECRET`: k3yR0tat10nQ9x',
      "key: 'Zm9vYmFyYmF6cXV4MTIzNDU2Nzg5'",
      'KEY=q8Wn3Zr5Tb7Yc9Nd1Vh3Jm5Kp',
      "api_key: 'openai:gpt4oQ9x7Zk2'",
    ],
    negative: [
      'max_tokens=1024',
      'token_count: 123456789012345',
      'api_key=your-api-key-here',
      'key: value',
      '| `DB_PASSWORD` | required |',
      'session_timeout: 30000',
      '| `tokenModel` | `text-embedding-3-small` |',
      '| `keyPrefix` | `keel-v2-ratelimit` |',
      '| author | jdoe1984atexample |',
      '| `openai-key` | `sk-ant-api03-...` |',
      "circuitBreaker({ key: 'openai:gpt-4o', halfOpenAfterMs: 30_000 })",
      '"key": "anthropic:claude-haiku-4-5"',
      'key = tenant-42:embedding-cache',
    ],
  },
  email: {
    positive: ['write to jane.doe+news@example.co.uk', 'ops@keel.dev'],
    negative: ['icon@2x.png', '@keel/core', 'user@localhost', 'git tag v1@latest'],
  },
  iban: {
    positive: [
      'GB82 WEST 1234 5698 7654 32',
      'DE89370400440532013000',
      'FR1420041010050500013M02606',
    ],
    negative: ['GB82 WEST 1234 5698 7654 33', 'US12 3456 7890'],
  },
  'card-number': {
    positive: ['4111 1111 1111 1111', '5500-0000-0000-0004', '378282246310005'],
    negative: ['4111 1111 1111 1112', '1234567890123456', 'order 9000000000000008'],
  },
  phone: {
    positive: [
      '+44 20 7946 0958',
      '(415) 555-0100',
      '415-555-0100',
      '+1-202-555-0143',
      '020 7946 0958',
    ],
    negative: ['version 1.2.3', 'on 2024-01-15 at 10:30', 'port 8080', 'ISBN 978-3-16-148410-0'],
  },
};

describe('default redaction rules', () => {
  for (const [id, { positive, negative }] of Object.entries(cases)) {
    it(`${id}: redacts every positive case`, () => {
      for (const text of positive) {
        const out = redact(`before ${text} after`);
        expect(out, text).toContain(`[REDACTED:${id}]`);
        expect(out).toMatch(/^before /);
      }
    });
    it(`${id}: leaves every negative case alone`, () => {
      for (const text of negative) expect(redact(text), text).not.toContain(`[REDACTED:${id}]`);
    });
  }

  it('keeps the label of key=value pairs and bearer tokens, hiding only the secret', () => {
    expect(redact('api_key=Zm9vYmFyYmF6cXV4MTIzNDU2Nzg5')).toBe(
      'api_key=[REDACTED:key-value-secret]',
    );
    expect(redact('Bearer abcDEF123456ghiJKL789')).toBe('Bearer [REDACTED:bearer-token]');
    expect(redact('postgres://admin:hunter2@db:5432')).toBe(
      'postgres://[REDACTED:url-credentials]@db:5432',
    );
  });
});

describe('RANDOM_TOKEN_RULE', () => {
  const redactRandom = createRedactor({ rules: [RANDOM_TOKEN_RULE] });

  it('redacts keys no other rule knows: random runs of letters and digits', () => {
    for (const key of [
      'hcaik_01hq3kz8x2vq7r4m9w6t3y5u1p0s8d2f4g6h8k', // Honeycomb-shaped
      'R0b7c4e1f9b7d2c6e0a5f3b9d1Qz', // mixed case around hex
      'Hk29fQmZp4LwX8vB7nT1yR6sE3', // a webhook URL's secret part
      'c2stYW50LWFwaTAzLXF1aWNrYnJvd25mb3g', // base64
    ]) {
      expect(redactRandom(`key ${key} here`), key).toBe('key [REDACTED:random-token] here');
    }
    expect(redactRandom('https://discord.com/api/webhooks/123/Hk29fQmZp4LwX8vB7nT1yR6sE3')).toBe(
      'https://discord.com/api/webhooks/123/[REDACTED:random-token]',
    );
  });

  it('keeps what has few switches between letters and digits, and hex runs (hashes, commits, ids)', () => {
    const text = [
      'claude-3-5-sonnet-20241022 gpt-4o-2024-08-06 text-embedding-3-small',
      'commit 6bacab6e4dea9290057f6e4dea929d1c2a3b4c5d, digest e3b0c44298fc1c149afbf4c8996fb924',
      'id 123e4567-e89b-12d3-a456-426614174000 and DOCS_CHAT_USER_DAILY_TOKENS',
      'createRedisConcurrencyLimit and untrusted-9c1e0b7a4f2d6e83',
    ].join('\n');
    expect(redactRandom(text)).toBe(text);
  });

  it('is not a default rule: logs hold random request and trace ids', () => {
    expect(DEFAULT_REDACTION_RULES.map((rule) => rule.id)).not.toContain('random-token');
    expect(redact('request req_8fK2mQ9xW4vB7nL1pR3t')).toBe('request req_8fK2mQ9xW4vB7nL1pR3t');
  });

  it('runs in linear time on long runs that almost match', () => {
    const redactor = createRedactor({ rules: [RANDOM_TOKEN_RULE], maxStringLength: 1 << 20 });
    for (const unit of ['a', 'a1-', 'ab12', '-']) {
      const run = unit.repeat(Math.ceil(262_144 / unit.length));
      expect(redactor(`${run} x`)).toEqual(expect.any(String));
    }
  }, 180_000);
});

describe('validators', () => {
  it('luhnValid accepts test card numbers and rejects a changed digit', () => {
    expect(luhnValid('4111111111111111')).toBe(true);
    expect(luhnValid('4111111111111112')).toBe(false);
    expect(luhnValid('')).toBe(false);
  });
  it('ibanValid checks mod 97 and length', () => {
    expect(ibanValid('GB82WEST12345698765432')).toBe(true);
    expect(ibanValid('GB82WEST12345698765431')).toBe(false);
    expect(ibanValid('GB82')).toBe(false);
  });
  it('shannonEntropy is 0 for one repeated character and higher for random text', () => {
    expect(shannonEntropy('aaaa')).toBe(0);
    expect(shannonEntropy('q8Wn3Zr5Tb7Yc9Nd1Vh3')).toBeGreaterThan(3.5);
  });
});
