/**
 * @keel/core/internal: the mechanisms every Keel package shares (argument checks, the signal
 * linker, the stream-part accumulator, hashing). Not a public API: it may change in any
 * release, so applications should import `@keel/core` only.
 */
export { assertDelay, type DelayRule, MAX_TIMER_DELAY_MS } from './assert-delay';
export { assertNumber, type NumberRule } from './assert-number';
export { assertRedisOptions, type RedisOptionsToCheck } from './assert-redis-options';
export { describeValue } from './describe-value';
export { decodeBase64, encodeBase64, inspectMedia, type MediaInfo } from './inspect-media';
export { type LinkedSignal, linkSignals } from './link-signals';
export { normalizeBaseURL } from './normalize-base-url';
export {
  assertSqlClient,
  inMigration,
  inTransaction,
  runQuery,
  tableName,
} from './postgres-session';
export {
  defineRedisScript,
  REDIS_NOW_MS,
  type RedisRunOptions,
  type RedisScript,
} from './redis-script';
export {
  createRedisValueStore,
  type RedisValueSkip,
  type RedisValueSkipReason,
  type RedisValueStore,
  type RedisValueStoreDefaults,
  type RedisValueStoreOptions,
} from './redis-value-store';
export { sha256 } from './sha256';
export {
  type AccumulatedStream,
  createStreamAccumulator,
  type StreamAccumulator,
} from './stream-accumulator';
