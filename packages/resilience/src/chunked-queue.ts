/**
 * A FIFO of values kept in fixed-size chunks: `push` and `shift` in constant time, no copying as
 * it grows (unlike `Array#shift` or a ring buffer that doubles), no object per entry, so a caller
 * can keep an item as several consecutive values; a chunk is let go once read through.
 */

/** Values per chunk: small enough to stay a fast array, large enough to allocate rarely. */
const CHUNK = 1024;

class Chunk {
  readonly values: unknown[] = new Array(CHUNK);
  next: Chunk | undefined;
}

/** A first-in first-out queue of values. */
export class ChunkedQueue {
  #head = new Chunk();
  #tail = this.#head;
  /** Next value to read in the head chunk. */
  #read = 0;
  /** Next free slot in the tail chunk. */
  #write = 0;
  #length = 0;

  /** Values held. */
  get length(): number {
    return this.#length;
  }

  /** Appends a value. */
  push(value: unknown): void {
    if (this.#write === CHUNK) {
      const chunk = new Chunk();
      this.#tail.next = chunk;
      this.#tail = chunk;
      this.#write = 0;
    }
    this.#tail.values[this.#write++] = value;
    this.#length++;
  }

  /** Removes and returns the oldest value (undefined when empty); the queue lets go of it. */
  shift(): unknown {
    if (this.#length === 0) return undefined;
    if (this.#read === CHUNK) {
      this.#head = this.#head.next as Chunk;
      this.#read = 0;
    }
    const { values } = this.#head;
    const value = values[this.#read];
    values[this.#read++] = undefined;
    this.#length--;
    return value;
  }
}
