/**
 * The page's "Your documents" section: files chosen are sent to POST /api/documents, and the
 * upload's server-sent events drive a progress bar and a line per file (read, or skipped with
 * why); the user's documents are listed (GET /api/documents) with a Remove button each
 * (DELETE). File names and reasons come from the server and only ever go into textContent.
 */
import { readErrorBody, readEvents } from '/http.js';
import { loadUserId } from '/user.js';

const $ = (id) => document.getElementById(id);
const els = {
  input: $('upload-input'),
  progress: $('upload-progress'),
  status: $('upload-status'),
  files: $('upload-files'),
  list: $('document-list'),
};
const userId = loadUserId();

function item(text, className) {
  const li = document.createElement('li');
  li.textContent = text;
  if (className) li.className = className;
  return li;
}

function formatBytes(bytes) {
  return bytes < 1024 ? `${bytes} B` : `${(bytes / 1024).toFixed(1)} KB`;
}

/** Lists the user's documents, each with a Remove button. */
function showDocuments(documents) {
  els.list.replaceChildren(
    ...documents.map(({ sourceId, bytes }) => {
      const li = item(`${sourceId.split('/').at(-1)} · ${formatBytes(bytes)} `);
      li.dataset.sourceId = sourceId;
      const button = document.createElement('button');
      button.type = 'button';
      button.textContent = 'Remove';
      button.setAttribute('aria-label', `Remove ${sourceId}`);
      button.addEventListener('click', () => removeDocument(sourceId, button));
      li.append(button);
      return li;
    }),
  );
}

async function loadDocuments() {
  try {
    const res = await fetch('/api/documents', { headers: { 'x-user-id': userId } });
    if (res.ok) showDocuments((await res.json()).documents);
  } catch {
    // the list stays as it is; the next upload refreshes it
  }
}

async function removeDocument(sourceId, button) {
  button.disabled = true;
  const res = await fetch(`/api/documents/${encodeURIComponent(sourceId)}`, {
    method: 'DELETE',
    headers: { 'x-user-id': userId },
  });
  els.status.textContent = res.ok
    ? `Removed ${sourceId.split('/').at(-1)}.`
    : await readErrorBody(res);
  await loadDocuments();
}

/** Each file counts once when it is read (or skipped), and once more when it is indexed. */
function setProgress(done, total) {
  els.progress.max = Math.max(total, 1);
  els.progress.value = Math.min(done, els.progress.max);
}

async function upload(files) {
  const form = new FormData();
  for (const file of files) form.append('file', file, file.name);
  els.files.replaceChildren();
  els.progress.hidden = false;
  setProgress(0, files.length);
  els.status.textContent = `Sending ${files.length} ${files.length === 1 ? 'file' : 'files'}…`;
  els.input.disabled = true;
  let handled = 0;
  let readable = 0;
  try {
    const res = await fetch('/api/documents', {
      method: 'POST',
      headers: { 'x-user-id': userId },
      body: form,
    });
    if (!res.ok || !res.body) {
      els.status.textContent = await readErrorBody(res);
      return;
    }
    for await (const { data } of readEvents(res.body)) {
      const event = JSON.parse(data);
      if (event.type === 'file') {
        handled++;
        if (event.status === 'read') readable++;
        els.files.append(
          event.status === 'read'
            ? item(`${event.name}: read as ${event.kind}`, 'read')
            : item(`${event.name}: skipped, ${event.reason}`, 'skipped'),
        );
        setProgress(handled, files.length + readable);
        els.status.textContent = `Read ${handled} of ${files.length}…`;
      } else if (event.type === 'progress') {
        setProgress(files.length + event.documents, files.length + event.totalDocuments);
        els.status.textContent = `Indexing ${event.documents} of ${event.totalDocuments}…`;
      } else if (event.type === 'done') {
        setProgress(1, 1);
        els.status.textContent = `${event.added.length} added, ${event.unchanged} unchanged, ${event.skipped.length} skipped.`;
        showDocuments(event.documents);
      } else if (event.type === 'error') {
        els.status.textContent = event.message;
      }
    }
  } catch (error) {
    els.status.textContent = `Upload failed: ${error instanceof Error ? error.message : String(error)}`;
  } finally {
    els.input.disabled = false;
    els.input.value = '';
  }
}

els.input.addEventListener('change', () => {
  if (els.input.files && els.input.files.length > 0) upload([...els.input.files]);
});
loadDocuments();
