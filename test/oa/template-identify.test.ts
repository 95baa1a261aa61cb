/**
 * Which short id each of an account's templates is (src/main/oa/templates.ts identify), on a real store: an add whose
 * answer was lost settles on the one new template, unless that template's content says it is another short id.
 */
import { describe, expect, test } from 'vitest';
import { identify } from '../../src/main/oa/templates';
import { tempStore, track } from '../store/temp-store';

const C = 'wx0123456789abcdef';
const A = 'wx1111222233334444';
const B = 'wx5555666677778888';
const TASK = { title: '任务处理通知', content: '{{first.DATA}}\n任务名称：{{keyword1.DATA}}\n{{remark.DATA}}' };
const ORDER = { title: '订单支付成功', content: '{{first.DATA}}\n订单号：{{keyword1.DATA}}\n{{remark.DATA}}' };
const tpl = (id: string, t: { title: string; content: string }) => ({ template_id: id, title: t.title, content: t.content, primary_industry: '', deputy_industry: '', example: '' });

describe('template short ids', () => {
  test('a lost add claims the one new template, but not one whose content is another short id (the admin added that)', () => {
    const { store } = tempStore();
    track(store);
    // The console added both templates on account B before, so their contents are known.
    store.templates.completeAdd(store.templates.beginAdd({ componentAppid: C, appid: B, shortId: 'OPENTM200605630', beforeIds: [], addedBy: 'console' }), { templateId: 'B1', ...TASK });
    store.templates.completeAdd(store.templates.beginAdd({ componentAppid: C, appid: B, shortId: 'TM00015', beforeIds: [], addedBy: 'console' }), { templateId: 'B2', ...ORDER });

    // On A an add of TM00015 got no answer; then A's admin added OPENTM200605630 in the WeChat backend.
    store.templates.beginAdd({ componentAppid: C, appid: A, shortId: 'TM00015', beforeIds: [], addedBy: 'console' });
    const seen = identify(store, C, A, [tpl('A7', TASK)]);
    expect(seen.get('A7')).toEqual({ shortId: 'OPENTM200605630', from: 'content' });
    // The add is still open: when its own template shows up, it is settled on that one.
    const later = identify(store, C, A, [tpl('A7', TASK), tpl('A8', ORDER)]);
    expect(later.get('A8')).toEqual({ shortId: 'TM00015', from: 'recorded' });
    expect(later.get('A7')).toEqual({ shortId: 'OPENTM200605630', from: 'content' });
  });

  test('a lost add still settles on the only new template when nothing says otherwise', () => {
    const { store } = tempStore();
    track(store);
    store.templates.beginAdd({ componentAppid: C, appid: A, shortId: 'TM00015', beforeIds: ['A1'], addedBy: 'console' });
    expect(identify(store, C, A, [tpl('A1', TASK), tpl('A2', ORDER)]).get('A2')).toEqual({ shortId: 'TM00015', from: 'recorded' });
  });
});
