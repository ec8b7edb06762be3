/**
 * The docs-chat page: sends a question to POST /api/chat, reads the server-sent events of the
 * turn (see src/chat-events.ts) and renders text, tool lines, approvals, citations and meters.
 * Server data (answers, chunk text, tool input) is untrusted: answers are rendered as markdown
 * through render.js (sanitised, links and images only to allowed hosts); everything else only
 * ever goes into textContent.
 */

import { readErrorBody, readEvents } from '/http.js';
import { renderMarkdown } from '/render.js';
import { loadUserId } from '/user.js';

const CONVERSATION_KEY = 'docs-chat.conversationId';
/** Matches `[docs/x.md#3]`: a citation id in brackets, no spaces or nested brackets. */
const CITATION = /\[([^[\]\s]+)\]/g;

const $ = (id) => document.getElementById(id);
const els = {
  messages: $('messages'),
  empty: $('empty'),
  error: $('error'),
  form: $('composer'),
  input: $('input'),
  send: $('send'),
  cancel: $('cancel'),
  newChat: $('new-chat'),
  deleteChat: $('delete-chat'),
  modeBadge: document.querySelector('[data-testid="mode-badge"]'),
  modeName: $('mode-name'),
  modeNote: $('mode-note'),
  total: $('total-meter'),
  panel: $('source-panel'),
  panelTitle: $('source-title'),
  panelClose: $('source-close'),
  sourceId: $('source-id'),
  sourceHeading: $('source-heading'),
  sourceLines: $('source-lines'),
  sourceText: $('source-text'),
};

const state = {
  userId: loadUserId(),
  conversationId: localStorage.getItem(CONVERSATION_KEY) ?? undefined,
  /** The AbortController of the turn streaming now, if any. */
  controller: undefined,
  /** The element that opened the source panel, to give focus back on close. */
  panelOpener: undefined,
  /** Hosts an answer's links and images may point to (GET /api/config); none until it answers. */
  allowedHosts: [],
};

function setConversationId(id) {
  state.conversationId = id;
  if (id) localStorage.setItem(CONVERSATION_KEY, id);
  else localStorage.removeItem(CONVERSATION_KEY);
  els.messages.dataset.conversationId = id ?? '';
  syncDelete();
}

/** "Delete conversation" is for a stored conversation with no turn running (the server says 409). */
function syncDelete() {
  els.deleteChat.disabled = !state.conversationId || state.controller !== undefined;
}

/** Creates an element with optional class, text and attributes. */
function el(tag, { className, text, attrs } = {}) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined) node.textContent = text;
  for (const [name, value] of Object.entries(attrs ?? {})) node.setAttribute(name, value);
  return node;
}

// ---------- formatting ----------

const count = new Intl.NumberFormat('en-US');

function formatCost(usd) {
  return `$${usd.toFixed(usd > 0 && usd < 0.0001 ? 6 : 4)}`;
}

function formatUsage(u) {
  return `${count.format(u.inputTokens)} in · ${count.format(u.outputTokens)} out · ${formatCost(u.costUsd)}`;
}

/** Roughly four characters per token: only shown, marked "~", until the server's count arrives. */
function estimateTokens(text) {
  return Math.ceil(text.length / 4);
}

const MODE_NOTES = {
  offline:
    'Extractive answers quoted from the docs, no model. Set OPENAI_API_KEY, ANTHROPIC_API_KEY or OPENAI_BASE_URL (an OpenAI-compatible server) to use a model.',
};

function showMode(mode, model) {
  els.modeBadge.hidden = false;
  els.modeBadge.dataset.mode = mode;
  if (mode === 'offline') {
    els.modeName.textContent = 'Offline mode';
    els.modeNote.textContent = MODE_NOTES.offline;
  } else {
    els.modeName.textContent = mode;
    els.modeNote.textContent = `model ${model}`;
  }
}

function showTotal(usage) {
  els.total.textContent = formatUsage(usage);
}

function showError(text) {
  els.error.textContent = text;
  els.error.hidden = !text;
}

// ---------- messages ----------

function addUserMessage(text) {
  els.empty.hidden = true;
  const li = el('li', {
    className: 'message user',
    attrs: { 'data-testid': 'message', 'data-role': 'user' },
  });
  li.append(el('p', { className: 'who', text: 'You' }), el('p', { className: 'text', text }));
  els.messages.append(li);
  li.scrollIntoView({ block: 'end' });
  return li;
}

/**
 * One assistant message: its DOM and what has streamed into it so far. `approvals` holds the
 * pending approvals of the turn; they are sent together once each has a decision.
 */
function addAssistantMessage() {
  els.empty.hidden = true;
  const li = el('li', {
    className: 'message assistant',
    attrs: { 'data-testid': 'message', 'data-role': 'assistant' },
  });
  const tools = el('ul', { className: 'tools', attrs: { 'aria-label': 'Tool calls' } });
  const text = el('div', {
    className: 'text',
    attrs: { 'data-testid': 'message-text', 'aria-live': 'polite', 'aria-busy': 'false' },
  });
  const sources = el('div', { className: 'sources', attrs: { 'data-testid': 'source-list' } });
  const status = el('p', { className: 'status', attrs: { 'data-testid': 'message-status' } });
  const meter = el('p', { className: 'meter', attrs: { 'data-testid': 'message-meter' } });
  tools.hidden = true;
  sources.hidden = true;
  status.hidden = true;
  li.append(el('p', { className: 'who', text: 'Assistant' }), tools, text, sources, status, meter);
  els.messages.append(li);
  return {
    li,
    tools,
    text,
    sources,
    status,
    meter,
    raw: '',
    /** The animation frame a render waits for, while text streams. */
    frame: undefined,
    /** Text streamed since the last `usage` event: its tokens are not counted yet. */
    uncounted: '',
    citations: new Map(),
    toolLines: new Map(),
    approvals: [],
    usage: undefined,
  };
}

function appendText(msg, delta) {
  msg.raw += delta;
  msg.uncounted += delta;
  showEstimate(msg);
  // The growing answer is rendered again at most once a frame.
  msg.frame ??= requestAnimationFrame(() => {
    render(msg);
    msg.li.scrollIntoView({ block: 'end' });
  });
}

/** While text streams ahead of the server's count, the output tokens are an estimate, marked "~". */
function showEstimate(msg) {
  const u = msg.usage ?? { inputTokens: 0, outputTokens: 0, costUsd: 0 };
  const out = `~${count.format(u.outputTokens + estimateTokens(msg.uncounted))} out`;
  msg.meter.textContent = msg.usage
    ? `${count.format(u.inputTokens)} in · ${out} · ${formatCost(u.costUsd)}`
    : out;
}

function setStatus(msg, text, kind) {
  msg.status.textContent = text;
  msg.status.hidden = !text;
  msg.status.dataset.kind = kind ?? '';
}

function setUsage(msg, usage) {
  msg.usage = usage;
  msg.uncounted = '';
  msg.meter.textContent = formatUsage(usage);
}

/** Renders the message's markdown, with each known `[citationId]` as a button that opens the source. */
function render(msg) {
  if (msg.frame !== undefined) cancelAnimationFrame(msg.frame);
  msg.frame = undefined;
  const fragment = renderMarkdown(msg.raw, state.allowedHosts);
  const walker = document.createTreeWalker(fragment, NodeFilter.SHOW_TEXT);
  const texts = [];
  while (walker.nextNode()) texts.push(walker.currentNode);
  for (const node of texts) {
    if (!node.parentElement?.closest('pre, code, a')) linkifyCitations(msg, node);
  }
  msg.text.replaceChildren(fragment);
}

/** Replaces each known `[citationId]` in the text node `node` with a citation button. */
function linkifyCitations(msg, node) {
  const text = node.data;
  const parts = [];
  let last = 0;
  for (const match of text.matchAll(CITATION)) {
    const source = msg.citations.get(match[1]);
    if (!source) continue;
    parts.push(text.slice(last, match.index));
    const button = el('button', {
      className: 'cite',
      text: match[0],
      attrs: {
        type: 'button',
        'data-testid': 'citation',
        'data-citation-id': source.citationId,
        'aria-label': `Source ${source.citationId}`,
      },
    });
    button.addEventListener('click', () => openSource(source, button));
    parts.push(button);
    last = match.index + match[0].length;
  }
  if (parts.length === 0) return;
  parts.push(text.slice(last));
  node.replaceWith(...parts);
}

function setCitations(msg, citations) {
  msg.citations = new Map(citations.map((c) => [c.citationId, c]));
  render(msg);
  msg.sources.replaceChildren();
  if (citations.length === 0) {
    msg.sources.hidden = true;
    return;
  }
  msg.sources.append(el('p', { className: 'label', text: 'Sources' }));
  const list = el('ul');
  for (const source of citations) {
    const button = el('button', {
      className: 'source-link',
      text: `${source.citationId} ${source.headingPath.join(' › ')}`.trim(),
      attrs: {
        type: 'button',
        'data-testid': 'source-link',
        'data-citation-id': source.citationId,
      },
    });
    button.addEventListener('click', () => openSource(source, button));
    const item = el('li');
    item.append(button);
    list.append(item);
  }
  msg.sources.append(list);
  msg.sources.hidden = false;
}

function openSource(source, opener) {
  state.panelOpener = opener;
  els.panel.dataset.citationId = source.citationId;
  els.panelTitle.textContent = `Source ${source.citationId}`;
  els.sourceId.textContent = source.sourceId;
  els.sourceHeading.textContent = source.headingPath.join(' › ') || '(top of document)';
  // A remembered fact (`memory:<id>`) has no lines: its section says when it was stated.
  els.sourceLines.textContent =
    source.sourceId === 'memory' ? '—' : `${source.startLine}–${source.endLine}`;
  els.sourceText.textContent = source.text;
  els.panel.hidden = false;
  els.panelTitle.focus();
}

function closeSource() {
  els.panel.hidden = true;
  state.panelOpener?.focus();
  state.panelOpener = undefined;
}

// ---------- tools and approvals ----------

function onToolEvent(msg, event) {
  msg.tools.hidden = false;
  let line = msg.toolLines.get(event.toolCallId);
  if (!line) {
    line = el('li', { className: 'tool', attrs: { 'data-testid': 'tool-line' } });
    msg.toolLines.set(event.toolCallId, line);
    msg.tools.append(line);
  }
  line.dataset.status = event.status;
  line.dataset.toolName = event.toolName;
  const summary = event.summary || event.toolName;
  line.replaceChildren(
    el('span', { className: 'tool-status', text: event.status }),
    el('span', { className: 'tool-summary', text: summary }),
  );
  if (event.status === 'pending-approval' && event.approval) {
    line.append(approvalBox(msg, event, line));
  }
}

function approvalBox(msg, event, line) {
  const pending = { token: event.approval.token, approved: undefined, reset: undefined };
  msg.approvals.push(pending);
  const box = el('div', { className: 'approval', attrs: { role: 'group' } });
  const id = `approval-${event.toolCallId}`;
  box.setAttribute('aria-labelledby', id);
  box.append(
    el('p', { text: `Run ${event.toolName} with this input?`, attrs: { id } }),
    el('pre', { text: JSON.stringify(event.approval.input, null, 2) }),
  );
  if (Number.isFinite(event.approval.expiresAt)) {
    const at = new Date(event.approval.expiresAt).toLocaleTimeString();
    box.append(el('p', { className: 'expires', text: `Decide before ${at}.` }));
  }
  const approve = el('button', {
    text: 'Approve',
    attrs: { type: 'button', 'data-testid': 'approve' },
  });
  const deny = el('button', { text: 'Deny', attrs: { type: 'button', 'data-testid': 'deny' } });
  const decision = el('p', { className: 'decision', attrs: { 'data-testid': 'decision' } });
  const decide = (approved) => {
    pending.approved = approved;
    approve.disabled = true;
    deny.disabled = true;
    line.dataset.decision = approved ? 'approved' : 'denied';
    decision.textContent = approved ? 'Approved, running…' : 'Denied.';
    sendApprovals(msg);
  };
  pending.reset = () => {
    pending.approved = undefined;
    approve.disabled = false;
    deny.disabled = false;
    delete line.dataset.decision;
    decision.textContent = '';
  };
  approve.addEventListener('click', () => decide(true));
  deny.addEventListener('click', () => decide(false));
  const row = el('div', { className: 'row' });
  row.append(approve, deny);
  box.append(row, decision);
  return box;
}

/** Resumes the turn once every pending approval has a decision and nothing is streaming. */
function sendApprovals(msg) {
  if (state.controller || msg.approvals.length === 0) return;
  if (msg.approvals.some((a) => a.approved === undefined)) return;
  const pending = msg.approvals;
  msg.approvals = [];
  const approvals = pending.map(({ token, approved }) => ({ token, approved }));
  runTurn({ conversationId: state.conversationId, approvals }, msg).then((sent) => {
    if (sent) return;
    // Refused before streaming (the error is shown): let the user decide again.
    msg.approvals = pending;
    for (const p of pending) p.reset();
  });
}

// ---------- the turn ----------

const OUTCOME_TEXT = {
  stop: '',
  length: 'Stopped: the answer reached its length limit.',
  cancelled: 'Cancelled.',
  'pending-approval': 'Waiting for your approval.',
  'budget-exceeded':
    "You've reached today's usage limit; the answer stops here. It resets at 00:00 UTC.",
  error: 'The turn failed.',
};

function setBusy(busy) {
  els.send.disabled = busy;
  els.cancel.disabled = !busy;
  syncDelete();
}

function onEvent(msg, event) {
  switch (event.type) {
    case 'meta':
      setConversationId(event.conversationId);
      msg.li.dataset.turnId = event.turnId;
      msg.model = event.model;
      showMode(event.mode, event.model);
      break;
    case 'text':
      appendText(msg, event.delta);
      break;
    case 'tool':
      onToolEvent(msg, event);
      break;
    case 'citations':
      setCitations(msg, event.citations);
      break;
    case 'usage':
      setUsage(msg, event.turn);
      showTotal(event.conversation);
      break;
    case 'error':
      setStatus(msg, `Error: ${event.message} (${event.code})`, 'error');
      msg.li.dataset.error = event.code;
      break;
    case 'finish':
      msg.li.dataset.outcome = event.outcome;
      // What the user stated in the turn is remembered by now: the memory section refreshes.
      document.dispatchEvent(new CustomEvent('docs-chat:turn-finished'));
      if (event.outcome !== 'error' || !msg.li.dataset.error) {
        const fallback =
          event.answeredBy && msg.model && event.answeredBy !== msg.model
            ? ` Answered by ${event.answeredBy}: the configured model was unavailable.`
            : '';
        setStatus(
          msg,
          `${OUTCOME_TEXT[event.outcome] ?? event.outcome}${fallback}`.trim(),
          event.outcome,
        );
      }
      break;
  }
}

/**
 * Sends one POST /api/chat and streams its events into `existing` (a resumed turn after an
 * approval) or a new assistant message. Resolves false when the server refused the request.
 */
async function runTurn(body, existing) {
  showError('');
  const controller = new AbortController();
  state.controller = controller;
  setBusy(true);
  let msg = existing;
  try {
    const res = await fetch('/api/chat', {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-user-id': state.userId },
      body: JSON.stringify(body),
      signal: controller.signal,
    });
    if (!res.ok || !res.body) {
      showError(await readErrorBody(res));
      return false;
    }
    msg ??= addAssistantMessage();
    msg.li.dataset.outcome = 'streaming';
    msg.text.setAttribute('aria-busy', 'true');
    setStatus(msg, '');
    for await (const { event, data } of readEvents(res.body)) {
      let parsed;
      try {
        parsed = JSON.parse(data);
      } catch {
        continue;
      }
      onEvent(msg, { ...parsed, type: parsed.type ?? event });
    }
    if (msg.li.dataset.outcome === 'streaming') {
      msg.li.dataset.outcome = 'error';
      setStatus(msg, 'The connection closed before the answer finished.', 'error');
    }
    return true;
  } catch (error) {
    if (controller.signal.aborted) {
      if (msg) {
        msg.li.dataset.outcome = 'cancelled';
        setStatus(msg, OUTCOME_TEXT.cancelled, 'cancelled');
        showStoredUsage(msg, state.conversationId);
      }
    } else {
      const text = `Connection failed: ${error instanceof Error ? error.message : String(error)}`;
      if (msg) {
        msg.li.dataset.outcome = 'error';
        setStatus(msg, text, 'error');
      } else showError(text);
    }
    return msg !== undefined;
  } finally {
    if (msg) {
      if (msg.frame !== undefined) render(msg);
      msg.text.setAttribute('aria-busy', 'false');
    }
    if (state.controller === controller) {
      state.controller = undefined;
      setBusy(false);
      if (msg && msg.li.dataset.outcome === 'pending-approval') sendApprovals(msg);
    }
  }
}

/**
 * After a cancel the turn's last `usage` event never arrives, and the meter holds an estimate:
 * once the server has stored the cancelled turn, show what it stored (what the model reported
 * and the ledger billed).
 */
async function showStoredUsage(msg, conversationId) {
  const turnId = msg.li.dataset.turnId;
  if (!conversationId || !turnId) return;
  for (let attempt = 0; attempt < 20; attempt++) {
    await new Promise((resolve) => setTimeout(resolve, 150));
    let conversation;
    try {
      const res = await fetch(`/api/conversations/${encodeURIComponent(conversationId)}`, {
        headers: { 'x-user-id': state.userId },
      });
      if (!res.ok) return;
      conversation = await res.json();
    } catch {
      return;
    }
    const turn = conversation.turns.find((t) => t.turnId === turnId && t.role === 'assistant');
    if (!turn || turn.outcome === 'streaming') continue;
    if (turn.usage) setUsage(msg, turn.usage);
    // A turn started since has the newer total, and reports it itself.
    if (state.conversationId === conversationId && !state.controller) {
      showTotal(conversation.usage);
    }
    return;
  }
}

// ---------- restore, new chat ----------

async function restore(id) {
  let res;
  try {
    res = await fetch(`/api/conversations/${encodeURIComponent(id)}`, {
      headers: { 'x-user-id': state.userId },
    });
  } catch {
    return;
  }
  if (res.status === 404) {
    setConversationId(undefined);
    return;
  }
  if (!res.ok) {
    showError(await readErrorBody(res));
    return;
  }
  const conversation = await res.json();
  if (state.conversationId !== id || els.messages.children.length > 0) return; // user moved on
  for (const turn of conversation.turns) {
    if (turn.role === 'user') {
      addUserMessage(turn.text);
      continue;
    }
    const msg = addAssistantMessage();
    msg.raw = turn.text;
    setCitations(msg, turn.citations ?? []);
    if (turn.usage) setUsage(msg, turn.usage);
    else msg.meter.textContent = '';
    const approvals = new Map((turn.pendingApprovals ?? []).map((a) => [a.toolCallId, a]));
    for (const line of turn.tools ?? []) {
      const approval = approvals.get(line.toolCallId);
      onToolEvent(msg, approval ? { ...line, approval } : line);
    }
    if (turn.outcome) {
      msg.li.dataset.outcome = turn.outcome;
      const waiting = turn.outcome === 'pending-approval';
      const text =
        waiting && !turn.pendingApprovals
          ? 'Was waiting for an approval; ask again to continue.'
          : OUTCOME_TEXT[turn.outcome];
      setStatus(msg, text ?? turn.outcome, turn.outcome);
    }
  }
  if (conversation.usage) showTotal(conversation.usage);
}

function newChat() {
  state.controller?.abort();
  setConversationId(undefined);
  els.messages.replaceChildren();
  els.empty.hidden = false;
  showTotal({ inputTokens: 0, outputTokens: 0, costUsd: 0 });
  showError('');
  if (!els.panel.hidden) closeSource();
  els.input.focus();
}

/**
 * Deletes the conversation shown (DELETE /api/conversations/:id: its turns and what the
 * assistant remembers from it), then starts a new chat. One already gone (404) counts as deleted.
 */
async function deleteConversation() {
  const id = state.conversationId;
  if (!id || state.controller) return;
  if (!window.confirm('Delete this conversation and what the assistant remembers from it?')) return;
  els.deleteChat.disabled = true;
  showError('');
  try {
    const res = await fetch(`/api/conversations/${encodeURIComponent(id)}`, {
      method: 'DELETE',
      headers: { 'x-user-id': state.userId },
    });
    if (!res.ok && res.status !== 404) {
      showError(await readErrorBody(res));
      return;
    }
  } catch (error) {
    showError(`Connection failed: ${error instanceof Error ? error.message : String(error)}`);
    return;
  } finally {
    syncDelete();
  }
  if (state.conversationId === id) newChat();
  document.dispatchEvent(new CustomEvent('docs-chat:conversation-deleted'));
}

// ---------- wiring ----------

els.form.addEventListener('submit', (e) => {
  e.preventDefault();
  const message = els.input.value.trim();
  if (!message || state.controller) return;
  els.input.value = '';
  const asked = addUserMessage(message);
  const body = state.conversationId
    ? { message, conversationId: state.conversationId }
    : { message };
  runTurn(body).then((sent) => {
    if (sent) return;
    // Refused before streaming: the question is not in the conversation; give it back to edit.
    asked.remove();
    els.empty.hidden = els.messages.children.length > 0;
    if (!els.input.value) els.input.value = message;
  });
});

els.input.addEventListener('keydown', (e) => {
  if (e.key === 'Enter' && !e.shiftKey && !e.isComposing) {
    e.preventDefault();
    els.form.requestSubmit();
  }
});

els.cancel.addEventListener('click', () => {
  state.controller?.abort();
  els.input.focus();
});
els.newChat.addEventListener('click', newChat);
els.deleteChat.addEventListener('click', deleteConversation);
els.panelClose.addEventListener('click', closeSource);
els.panel.addEventListener('keydown', (e) => {
  if (e.key === 'Escape') closeSource();
});

/** Shows the answerer's mode before the first turn; a turn's `meta` event updates it. */
async function loadMode() {
  try {
    const res = await fetch('/healthz');
    if (!res.ok) return;
    const { mode, model } = await res.json();
    if (mode && els.modeBadge.hidden) showMode(mode, model);
  } catch {
    // the first turn's meta event shows it
  }
}

/**
 * Reads what rendering needs (the allowed hosts) and a question about the served documents for
 * the empty input. Without it, no link or image to another host is kept.
 */
async function loadPageConfig() {
  try {
    const res = await fetch('/api/config');
    if (!res.ok) return;
    const { allowedHosts, placeholder } = await res.json();
    if (Array.isArray(allowedHosts)) state.allowedHosts = allowedHosts;
    if (placeholder) els.input.placeholder = placeholder;
  } catch {
    // rendering keeps to this page's own links and images
  }
}

setConversationId(state.conversationId);
loadMode();
const configLoaded = loadPageConfig();
const restoring = state.conversationId;
if (restoring) configLoaded.then(() => restore(restoring));
