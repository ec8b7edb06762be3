import { describe, expect, it } from 'vitest';
import { matchRoute, type Route } from './route-table';

const handler = async () => {};
const routes: Route[] = [
  { method: 'GET', path: '/api/documents', auth: 'user', handler },
  { method: 'POST', path: '/api/documents', auth: 'user', handler },
  { method: 'DELETE', path: '/api/documents/:id', auth: 'user', handler },
  { method: 'GET', path: '/metrics', auth: 'admin', handler },
];

describe('matchRoute', () => {
  it('finds a route by method and path, with its parameters decoded', () => {
    const match = matchRoute(routes, 'DELETE', '/api/documents/a%20b');
    expect(match).toMatchObject({ kind: 'found', params: { id: 'a b' } });
    expect(match.kind === 'found' && match.route.method).toBe('DELETE');
    expect(matchRoute(routes, 'POST', '/api/documents')).toMatchObject({ kind: 'found' });
  });

  it('names the methods a known path allows when the method is wrong', () => {
    expect(matchRoute(routes, 'PUT', '/api/documents')).toEqual({
      kind: 'wrong-method',
      path: '/api/documents',
      allowed: ['GET', 'POST'],
    });
  });

  it('matches nothing for an unknown path, an empty parameter or one that does not decode', () => {
    expect(matchRoute(routes, 'GET', '/api/nothing')).toEqual({ kind: 'none' });
    expect(matchRoute(routes, 'DELETE', '/api/documents/')).toEqual({ kind: 'none' });
    expect(matchRoute(routes, 'DELETE', '/api/documents/%E0%A4%A')).toEqual({ kind: 'none' });
    expect(matchRoute(routes, 'GET', '/metrics/extra')).toEqual({ kind: 'none' });
  });
});
