/**
 * @keel/testing: the real OpenAI and Anthropic wire protocols on loopback with faults on demand,
 * a fake ChatModel and a fake clock.
 */

export {
  createFakeChatModel,
  type FakeChatModel,
  type FakeChatModelOptions,
  type FakeScript,
  type FakeStep,
} from './fake-chat-model';
export { createFakeClock, type FakeClock } from './fake-clock';
export { loadScenario } from './load-scenario';
export type { MockBatchPlan } from './mock-batch-plan';
export type {
  MockError,
  MockFaults,
  MockReply,
  MockServerToolCall,
  MockToolCall,
  ScriptedReply,
} from './mock-reply';
export {
  type PostgresTestPool,
  type PostgresTestSchema,
  postgresTestSchema,
} from './postgres-test-schema';
export type { RecordedRequest } from './recorded-request';
export {
  countRedisCalls,
  type EventuallyOptions,
  eventually,
  type RedisTestClient,
  type RedisTestKit,
  redisTestKit,
  STUCK_REDIS,
  silentRedis,
  UNREACHABLE_REDIS,
} from './redis-test-kit';
export type { MockProviderName, MockRoute } from './routes';
export { samplePdf, samplePng } from './sample-files';
export type { MockRequest, MockScenario, MockScript, Responder } from './script-book';
export {
  type MockProvider,
  type MockProviderOptions,
  startMockProvider,
} from './start-mock-provider';
export { type StateEngineVariable, stateEngineUrl } from './state-engine-url';
