/**
 * The template rules shared by the desk, the batch job and the screen: fields read from a template's content, the
 * industry table by code and by the names get_industry answers, the checks on a test send (each rule named), and
 * what a template set adds and removes on one account.
 */
import { describe, expect, it } from 'vitest';
import {
  INDUSTRIES,
  diffTemplateSet,
  industryIdOf,
  industryIssues,
  templateFields,
  templateSendIssues,
  templateSetIssues,
  type KnownTemplate,
} from '../../src/shared/oa/templates';

const ORDER = '{{first.DATA}}\n支付金额：{{orderMoneySum.DATA}}\n商品信息：{{orderProductName.DATA}}\n{{Remark.DATA}}';

describe('templateFields', () => {
  it('reads every {{name.DATA}} in order with the words before it on its line', () => {
    expect(templateFields(ORDER)).toEqual([
      { name: 'first', label: '' },
      { name: 'orderMoneySum', label: '支付金额' },
      { name: 'orderProductName', label: '商品信息' },
      { name: 'Remark', label: '' },
    ]);
  });
  it('new-style keys, two slots on a line, a repeated name once, and braces without .DATA are not fields', () => {
    const content = '商品：{{thing1.DATA}} 数量: {{number2.DATA}}\r\n{{thing1.DATA}}\n{{ignored}} {{x.VALUE}}\n时间：{{ time3.DATA }}';
    expect(templateFields(content)).toEqual([
      { name: 'thing1', label: '商品' },
      { name: 'number2', label: '数量' },
      { name: 'time3', label: '时间' },
    ]);
    expect(templateFields('')).toEqual([]);
  });
});

describe('industries', () => {
  it('41 codes; get_industry names map back, with or without the bars of older copies', () => {
    expect(INDUSTRIES).toHaveLength(41);
    expect(INDUSTRIES[0]).toEqual({ id: '1', first: 'IT科技', second: '互联网/电子商务' });
    expect(industryIdOf({ first_class: '金融业', second_class: '基金|理财|信托' })).toBe('8');
    expect(industryIdOf({ first_class: '酒店旅游', second_class: '酒店' })).toBe('11');
    expect(industryIdOf({ first_class: '', second_class: '' })).toBeNull();
    expect(industryIdOf({ first_class: '未知', second_class: '未知' })).toBeNull();
  });
  it('checks the codes and that they differ', () => {
    expect(industryIssues('1', '4')).toEqual([]);
    expect(industryIssues('0', '42').map((i) => i.path)).toEqual(['industryId1', 'industryId2']);
    expect(industryIssues('2', '2')[0]!.en).toMatch(/differ/);
  });
});

describe('templateSendIssues', () => {
  const fields = templateFields(ORDER);
  const data = { first: { value: '您好' }, orderMoneySum: { value: '30.00元', color: '#173177' }, orderProductName: { value: '书' }, Remark: { value: '谢谢' } };
  const good = { touser: 'oUser0123456789abcdefghij', url: 'https://example.com/o/1', data };

  it('a complete send has no issue; url and mini program jump are optional', () => {
    expect(templateSendIssues(good, fields)).toEqual([]);
    expect(templateSendIssues({ ...good, url: '', miniprogram: { appid: 'wx286b93c14bbf93aa', pagepath: 'pages/index/index?id=1' } }, fields)).toEqual([]);
  });
  it('names each broken rule', () => {
    const issues = templateSendIssues(
      {
        touser: 'short',
        url: 'ftp://x',
        miniprogram: { appid: 'wxNOPE', pagepath: '/pages/index' },
        data: { first: { value: ' ' }, orderMoneySum: { value: '1', color: 'blue' }, orderProductName: { value: 'x' }, Remark: { value: 'y' }, extra: { value: 'z' } },
      },
      fields,
    );
    expect(issues.map((i) => i.path)).toEqual(['touser', 'url', 'miniprogram.appid', 'miniprogram.pagepath', 'data.first', 'data.orderMoneySum.color', 'data.extra']);
    expect(issues[0]!.en).toMatch(/20-64 letters/);
    expect(issues[0]!.zh).toMatch(/20-64/);
    expect(issues.find((i) => i.path === 'data.extra')!.en).toBe('extra is not a field of this template');
  });
  it('a missing field names its label; a link over 1024 bytes (UTF-8) is refused', () => {
    const { Remark: _r, ...rest } = data;
    expect(templateSendIssues({ ...good, data: { ...rest, orderMoneySum: { value: '' } } }, fields).map((i) => i.en)).toEqual([
      'give a value for orderMoneySum (支付金额): every field of the template is shown',
      'give a value for Remark: every field of the template is shown',
    ]);
    expect(templateSendIssues({ ...good, url: `https://example.com/${'链'.repeat(340)}` }, fields)[0]!.en).toMatch(/1024 bytes/);
  });
});

describe('template sets', () => {
  const current: KnownTemplate[] = [
    { templateId: 'a', shortId: 'TM00015', title: '订单支付成功' },
    { templateId: 'b', shortId: 'OPENTM200605630', title: '任务处理通知' },
    { templateId: 'c', shortId: null, title: '某个手工添加的模板' },
  ];
  it('adds the missing, removes the unlisted, keeps unknown origin unless asked', () => {
    const d = diffTemplateSet(current, { shortIds: ['TM00015', 'OPENTM207498902'] });
    expect(d.add).toEqual(['OPENTM207498902']);
    expect(d.remove.map((r) => r.templateId)).toEqual(['b']);
    expect(d.unknownKept.map((r) => r.templateId)).toEqual(['c']);
    expect(d.peak).toBe(4);
    expect(diffTemplateSet(current, { shortIds: ['TM00015'], removeUnknown: true }).remove.map((r) => r.templateId)).toEqual(['b', 'c']);
    expect(diffTemplateSet(current, { shortIds: ['TM00015'], removeUnlisted: false }).remove).toEqual([]);
    expect(diffTemplateSet([], { shortIds: ['TM00015'] })).toEqual({ add: ['TM00015'], remove: [], unknownKept: [], removeFirst: false, peak: 1 });
  });

  it('removes first when the adds would pass 25 templates, and warns only when even that does not fit', () => {
    const full = Array.from({ length: 25 }, (_, i) => ({ templateId: `t${i}`, shortId: i < 24 ? 'OPENTM200605630' : 'TM00015', title: '任务处理通知' }));
    const swap = diffTemplateSet(full, { shortIds: ['TM00015', 'OPENTM207498902'] });
    expect(swap).toMatchObject({ add: ['OPENTM207498902'], removeFirst: true, peak: 25 });
    expect(swap.remove).toHaveLength(24);
    const keep = diffTemplateSet(full, { shortIds: ['TM00015', 'OPENTM207498902'], removeUnlisted: false });
    expect(keep).toMatchObject({ remove: [], removeFirst: false, peak: 26 });
  });
  it('a set is checked: short ids, duplicates, 25 at most, industry codes', () => {
    expect(templateSetIssues({ shortIds: ['TM00015'], industry: { id1: '1', id2: '2' } })).toEqual([]);
    expect(templateSetIssues({ shortIds: [] })[0]!.path).toBe('shortIds');
    expect(templateSetIssues({ shortIds: ['TM00015', 'nope', 'TM00015'], industry: { id1: '1', id2: '99' } }).map((i) => i.path)).toEqual(['shortIds[1]', 'shortIds[2]', 'industry.industryId2']);
    expect(templateSetIssues({ shortIds: Array.from({ length: 26 }, (_, i) => `TM${String(i).padStart(5, '0')}`) })[0]!.en).toMatch(/at most 25/);
    expect(templateSetIssues(null)[0]!.path).toBe('set');
  });
});
