import { afterEach, describe, expect, it, vi } from 'vitest';
import { matchPath, navigate, pathTo, routeState, setQuery } from './router.tsx';

describe('router', () => {
  it('matches paths with parameters, the more specific first', () => {
    expect(matchPath('/schemes/edit').name).toBe('schemeEdit');
    expect(matchPath('/schemes/import').name).toBe('schemeImport');
    expect(matchPath('/schemes/seed-2020')).toMatchObject({ name: 'scheme', params: { id: 'seed-2020' } });
    expect(matchPath('/schemes/versions/3')).toMatchObject({ name: 'schemeVersion', params: { vid: '3' } });
    expect(matchPath('/campaigns/1/villages/522425100201')).toMatchObject({ name: 'villageAssessment', params: { id: '1', code: '522425100201' } });
    expect(matchPath('/assessments/7/sheet')).toMatchObject({ name: 'sheet', params: { id: '7' } });
    expect(matchPath('/assessments/7/')).toMatchObject({ name: 'assessment', params: { id: '7' } });
    expect(matchPath('/').name).toBe('overview');
    expect(matchPath('/nothing/here').name).toBe('notFound');
    expect(matchPath('/rankings', '?township=522425100000').query.get('township')).toBe('522425100000');
  });

  it('builds paths with encoded parameters and a query', () => {
    expect(pathTo('villageAssessment', { id: 1, code: '522425100201' }, { tab: 'appeals', x: undefined })).toBe('/campaigns/1/villages/522425100201?tab=appeals');
    expect(pathTo('scheme', { id: 'a b' })).toBe('/schemes/a%20b');
    expect(matchPath(pathTo('scheme', { id: 'a b' })).params.id).toBe('a b');
  });

  afterEach(() => {
    vi.unstubAllGlobals();
  });

  it('carries a state with a history entry (the import page’s handover), kept when a filter replaces the entry', () => {
    const entries: Array<{ state: unknown; url: string }> = [{ state: null, url: '/schemes' }];
    const location = { pathname: '/schemes', search: '' };
    const go = (url: string) => {
      const [path, query = ''] = url.split('?');
      location.pathname = path!;
      location.search = query ? `?${query}` : '';
    };
    const history = {
      get state() {
        return entries.at(-1)!.state;
      },
      pushState(state: unknown, _: string, url: string) {
        entries.push({ state, url });
        go(url);
      },
      replaceState(state: unknown, _: string, url: string) {
        entries[entries.length - 1] = { state, url };
        go(url);
      },
    };
    vi.stubGlobal('window', { history, location, scrollTo: () => undefined });
    expect(matchPath('/schemes/new/form').name).toBe('schemeForm');
    navigate('/schemes/new/form', { state: { draft: { id: 'x' }, unread: [] } });
    expect(entries.map((e) => e.url)).toEqual(['/schemes', '/schemes/new/form']);
    expect(routeState()).toEqual({ draft: { id: 'x' }, unread: [] });
    setQuery({ tab: 'sample' });
    expect(entries.at(-1)).toEqual({ state: { draft: { id: 'x' }, unread: [] }, url: '/schemes/new/form?tab=sample' });
    navigate('/schemes');
    expect(routeState()).toBeUndefined();
    expect(entries).toHaveLength(3);
  });
});
