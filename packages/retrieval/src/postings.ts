/**
 * One term's postings: the documents holding it in slot order, with the term's count in each
 * field, in typed arrays that grow by half; and each posting's weight with, per block of
 * {@link BLOCK} postings, the largest weight in the block (refreshed lazily, when the corpus
 * changed since the list was last searched).
 */

/** Postings per block of the block-max bounds. */
export const BLOCK = 64;

/** What turns a posting's counts into a weight. */
export interface Weighting {
  k1: number;
  /** Per field, per slot: the field's weight over its length normalisation (w / B). */
  norms: readonly Float64Array[];
}

export class Postings {
  docs: Int32Array;
  /** Counts by field, `width` per posting: the body first, then the other fields if any. */
  tfs: Int32Array;
  /** 1 while the term was only ever seen in bodies, else the number of fields. */
  width = 1;
  length = 0;
  /** Each posting's weight before idf, valid for `boundsGeneration`. */
  impacts: Float64Array;
  /** Largest weight in each block, valid for `boundsGeneration`. */
  blockMax: Float64Array | undefined;
  /** Largest weight of all. */
  upper = 0;
  boundsGeneration = -1;

  constructor(capacity = 2) {
    this.docs = new Int32Array(capacity);
    this.tfs = new Int32Array(capacity);
    this.impacts = new Float64Array(capacity);
  }

  /** Appends `doc`, greater than every slot already here, with its count in each field. */
  push(doc: number, counts: Int32Array): void {
    if (this.width === 1 && counts.some((tf, f) => f > 0 && tf > 0)) this.widen(counts.length);
    if (this.length === this.docs.length) this.resize(Math.ceil(this.length * 1.5) + 1);
    this.docs[this.length] = doc;
    const at = this.length * this.width;
    for (let f = 0; f < this.width; f++) this.tfs[at + f] = counts[f] ?? 0;
    this.length++;
  }

  /** Drops the posting of `doc`, if any. */
  remove(doc: number): void {
    const at = this.seek(0, doc);
    if (at === this.length || this.docs[at] !== doc) return;
    this.docs.copyWithin(at, at + 1, this.length);
    this.tfs.copyWithin(at * this.width, (at + 1) * this.width, this.length * this.width);
    this.length--;
  }

  /** The first position at or after `from` whose slot is at least `doc` (or `length`). */
  seek(from: number, doc: number): number {
    const { docs } = this;
    let low = from;
    let step = 1;
    // Gallop, then bisect: a probe for a nearby slot costs a few reads.
    while (low + step < this.length && (docs[low + step] as number) < doc) {
      low += step;
      step *= 2;
    }
    let high = Math.min(low + step, this.length);
    while (low < high) {
      const middle = (low + high) >> 1;
      if ((docs[middle] as number) < doc) low = middle + 1;
      else high = middle;
    }
    return low;
  }

  /** Recomputes the weights and block bounds unless they are from `generation` already. */
  refreshImpacts(generation: number, weighting: Weighting): void {
    if (this.boundsGeneration === generation) return;
    const blocks = Math.ceil(this.length / BLOCK);
    if (this.blockMax === undefined || this.blockMax.length < blocks) {
      this.blockMax = new Float64Array(blocks);
    }
    let upper = 0;
    for (let block = 0; block < blocks; block++) {
      const end = Math.min((block + 1) * BLOCK, this.length);
      let max = 0;
      for (let i = block * BLOCK; i < end; i++) {
        const weight = postingWeight(this, i, this.docs[i] as number, weighting);
        this.impacts[i] = weight;
        if (weight > max) max = weight;
      }
      this.blockMax[block] = max;
      if (max > upper) upper = max;
    }
    this.upper = upper;
    this.boundsGeneration = generation;
  }

  /** Renumbers slots with `renumber` (increasing, so the order holds) and trims spare room. */
  renumber(renumber: Int32Array): void {
    for (let i = 0; i < this.length; i++) this.docs[i] = renumber[this.docs[i] as number] as number;
    this.resize(this.length);
    this.boundsGeneration = -1;
  }

  private resize(capacity: number): void {
    const docs = new Int32Array(capacity);
    docs.set(this.docs.subarray(0, Math.min(this.length, capacity)));
    this.docs = docs;
    const tfs = new Int32Array(capacity * this.width);
    tfs.set(this.tfs.subarray(0, Math.min(this.length, capacity) * this.width));
    this.tfs = tfs;
    // Every change refreshes the weights before the next search: no copy needed.
    this.impacts = new Float64Array(capacity);
  }

  private widen(fields: number): void {
    const tfs = new Int32Array(this.docs.length * fields);
    for (let i = 0; i < this.length; i++) tfs[i * fields] = this.tfs[i] as number;
    this.tfs = tfs;
    this.width = fields;
  }
}

/**
 * Saturated weight of posting `i` of `list` (slot `doc`), before idf: (k1 + 1) t / (k1 + t),
 * t the field counts weighted and length-normalised, summed over fields.
 */
export function postingWeight(
  list: Postings,
  i: number,
  doc: number,
  { k1, norms }: Weighting,
): number {
  const width = list.width;
  const base = i * width;
  let tf = (list.tfs[base] as number) * ((norms[0] as Float64Array)[doc] as number);
  for (let f = 1; f < width; f++) {
    tf += (list.tfs[base + f] as number) * ((norms[f] as Float64Array)[doc] as number);
  }
  return ((k1 + 1) * tf) / (k1 + tf);
}
