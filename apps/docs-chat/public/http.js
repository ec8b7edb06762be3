/**
 * The page's HTTP helpers: a refusal's JSON body as one line to show, and a reader of
 * server-sent events (the chat's answers, an upload's progress).
 */

/** What a refused request says: its message and code, each bad field, and when to retry. */
export async function readErrorBody(res) {
  let text = `Request failed (${res.status}).`;
  let code;
  try {
    const { error } = await res.json();
    code = error.code;
    text = `${error.message} (${error.code})`;
    for (const [path, problem] of Object.entries(error.fields ?? {}))
      text += `\n${path}: ${problem}`;
  } catch {
    // not JSON: keep the status line
  }
  const retryAfter = res.headers.get('retry-after');
  // A spent daily budget says when it resets; a count of seconds until then helps nobody.
  if (res.status === 429 && retryAfter && code !== 'budget_exceeded')
    text += `\nTry again in ${retryAfter} s.`;
  return text;
}

/** Splits an event-stream body into `{ event, data }` blocks; `: ping` comments are skipped. */
export async function* readEvents(body) {
  const reader = body.pipeThrough(new TextDecoderStream()).getReader();
  let buffer = '';
  for (;;) {
    const { value, done } = await reader.read();
    if (done) return;
    buffer += value.replace(/\r\n?/g, '\n');
    let end = buffer.indexOf('\n\n');
    while (end !== -1) {
      const block = buffer.slice(0, end);
      buffer = buffer.slice(end + 2);
      let event = 'message';
      const data = [];
      for (const line of block.split('\n')) {
        if (line.startsWith(':')) continue;
        const colon = line.indexOf(':');
        const field = colon === -1 ? line : line.slice(0, colon);
        const val = colon === -1 ? '' : line.slice(colon + 1).replace(/^ /, '');
        if (field === 'event') event = val;
        else if (field === 'data') data.push(val);
      }
      if (data.length > 0) yield { event, data: data.join('\n') };
      end = buffer.indexOf('\n\n');
    }
  }
}
