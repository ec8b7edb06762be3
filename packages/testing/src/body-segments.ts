/**
 * From a rendered response to the byte segments the writer sends, after the faults that act on
 * whole events: a mid-stream error, a missing terminal event, one corrupted JSON line.
 */
import type { MockFaults } from './mock-reply';
import { encodeSseEvent, type Rendered, type SseEvent } from './render/rendered';
import type { BodySegment } from './response-writer';

/** Cuts JSON text in half, so that it no longer parses. */
function corrupt(json: string): string {
  return json.slice(0, Math.ceil(json.length / 2));
}

/** The body of `rendered` as segments, with event-level `faults` applied. */
export function bodySegments(
  rendered: Rendered,
  faults: MockFaults,
  streamError: (sequenceNumber: number) => SseEvent,
): BodySegment[] {
  if (rendered.kind === 'json') {
    const json = JSON.stringify(rendered.body);
    return [
      {
        bytes: Buffer.from(faults.malformedEvent === undefined ? json : corrupt(json)),
        content: false,
      },
    ];
  }
  let events: SseEvent[] = rendered.events;
  if (faults.streamError) {
    const kept = events.slice(0, faults.streamError.afterEvents);
    events = [...kept, streamError(kept.length)];
  }
  if (faults.omitTerminalEvent) events = events.filter((event) => !event.terminal);
  return events.map((event, index) => ({
    bytes: Buffer.from(
      encodeSseEvent(
        index === faults.malformedEvent ? { ...event, data: corrupt(event.data) } : event,
      ),
    ),
    content: event.content === true,
  }));
}
