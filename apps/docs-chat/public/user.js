/**
 * Who the page asks as: an id kept in this browser (sent as x-user-id; a proxy in front of
 * the app would authenticate users and set it instead).
 */

const USER_KEY = 'docs-chat.userId';

/** This browser's user id, made on the first visit. */
export function loadUserId() {
  let id = localStorage.getItem(USER_KEY);
  if (!id) {
    id = crypto.randomUUID();
    localStorage.setItem(USER_KEY, id);
  }
  return id;
}
