import { describe, expect, it } from 'vitest';
import { matchPath, pathTo } from './router.tsx';

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
});
