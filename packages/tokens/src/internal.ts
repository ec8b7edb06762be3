/**
 * @keel/tokens/internal: helpers other Keel packages share with this one. Not a public API: it
 * may change in any release, so applications should not import it.
 */
export { type AnthropicCountTokensParams, toAnthropicParams } from './anthropic-request';
