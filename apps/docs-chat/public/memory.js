/**
 * The page's "What I remember" section: the facts the assistant keeps about this user
 * (GET /api/memory), each with its source, date and confidence and a Forget button
 * (DELETE /api/memory/facts/:id), and "Forget everything" (DELETE /api/memory). It refreshes
 * when a turn finishes or a conversation is deleted (the chat page dispatches
 * `docs-chat:turn-finished` and `docs-chat:conversation-deleted`). Facts come from
 * what users typed and only ever go into textContent.
 */
import { readErrorBody } from '/http.js';
import { loadUserId } from '/user.js';

const $ = (id) => document.getElementById(id);
const els = {
  list: $('memory-list'),
  status: $('memory-status'),
  forgetAll: $('memory-forget-all'),
};
const userId = loadUserId();

function describe({ source, createdAt, confidence }) {
  const from =
    source.type === 'turn'
      ? `you said it in a conversation (message ${source.turn + 1})`
      : `from ${source.documentId}`;
  return `${from} · ${createdAt.slice(0, 10)} · confidence ${confidence}`;
}

function showFacts(facts) {
  els.forgetAll.disabled = facts.length === 0;
  els.status.textContent = facts.length === 0 ? 'Nothing yet.' : '';
  els.list.replaceChildren(
    ...facts.map((fact) => {
      const li = document.createElement('li');
      li.dataset.factId = fact.id;
      li.setAttribute('data-testid', 'memory-fact');
      const statement = document.createElement('span');
      statement.className = 'statement';
      statement.textContent = fact.statement;
      const meta = document.createElement('span');
      meta.className = 'meta';
      meta.textContent = describe(fact);
      const button = document.createElement('button');
      button.type = 'button';
      button.textContent = 'Forget';
      button.setAttribute('aria-label', `Forget: ${fact.statement}`);
      button.addEventListener('click', () =>
        forget(`/api/memory/facts/${encodeURIComponent(fact.id)}`, button),
      );
      li.append(statement, meta, button);
      return li;
    }),
  );
}

async function loadFacts() {
  try {
    const res = await fetch('/api/memory', { headers: { 'x-user-id': userId } });
    if (res.ok) showFacts((await res.json()).facts);
    else els.status.textContent = await readErrorBody(res);
  } catch {
    // the list stays as it is; the next turn refreshes it
  }
}

async function forget(path, button) {
  button.disabled = true;
  const res = await fetch(path, { method: 'DELETE', headers: { 'x-user-id': userId } });
  if (!res.ok) {
    els.status.textContent = await readErrorBody(res);
    button.disabled = false;
    return;
  }
  await loadFacts();
  els.status.textContent = 'Forgotten.';
}

els.forgetAll.addEventListener('click', () => forget('/api/memory', els.forgetAll));
document.addEventListener('docs-chat:turn-finished', loadFacts);
document.addEventListener('docs-chat:conversation-deleted', loadFacts);
loadFacts();
