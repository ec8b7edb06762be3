/**
 * What the rerank APIs charge, as data: Cohere bills search units (one query with up to 100
 * documents; longer documents count as several), Voyage bills tokens (the query counted once per
 * document, plus every document). Prices in USD as published on the providers' pricing pages
 * (as of 2026-12-01); pass `price` for another model, a negotiated rate or a self-hosted server
 * (`price: 0`).
 */

/** USD per 1,000 Cohere search units. */
export const COHERE_RERANK_PRICES: Readonly<Record<string, number>> = Object.freeze({
  'rerank-v3.5': 2,
  'rerank-english-v3.0': 2,
  'rerank-multilingual-v3.0': 2,
});

/** USD per million Voyage tokens (beyond the free tokens of each account). */
export const VOYAGE_RERANK_PRICES: Readonly<Record<string, number>> = Object.freeze({
  'rerank-2.5': 0.05,
  'rerank-2.5-lite': 0.02,
  'rerank-2': 0.05,
  'rerank-2-lite': 0.02,
});
